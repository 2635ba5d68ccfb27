// Progressive enhancement of an import job's progress page: while the job runs, the page
// is fetched again every few seconds and its progress, summary and list of files are
// brought up to date in place; the progress line is a polite live region, so a screen
// reader hears it. Without JavaScript the page has a "Refresh progress" link instead:
// nothing reloads by itself, so no one loses their place (WCAG 2.2.1).
const progress = document.getElementById('job-progress');
if (progress && progress.dataset.running === 'true') {
  const refresh = async () => {
    try {
      const res = await fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (!res.ok) return;
      const next = new DOMParser().parseFromString(await res.text(), 'text/html');
      const label = document.getElementById('progress-label');
      const freshLabel = next.getElementById('progress-label');
      if (label && freshLabel && label.textContent !== freshLabel.textContent) label.textContent = freshLabel.textContent;
      const bar = document.getElementById('progress-bar');
      const freshBar = next.getElementById('progress-bar');
      if (bar && freshBar) {
        bar.setAttribute('max', freshBar.getAttribute('max') ?? '1');
        bar.setAttribute('value', freshBar.getAttribute('value') ?? '0');
        bar.textContent = freshBar.textContent;
      }
      for (const id of ['job-progress-note', 'job-summary', 'job-files']) {
        const now = document.getElementById(id);
        const fresh = next.getElementById(id);
        if (now && fresh) now.replaceWith(fresh);
      }
      const running = next.getElementById('job-progress')?.dataset.running === 'true';
      progress.dataset.running = String(running);
      if (running) setTimeout(refresh, 3000);
    } catch {
      setTimeout(refresh, 10000);
    }
  };
  setTimeout(refresh, 3000);
}
