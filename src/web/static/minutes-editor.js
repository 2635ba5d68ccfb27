// Progressive enhancement of the minutes page (meetings/views/minutes-editor.njk). Without
// it the page is one form, saved with one POST. With it:
// - the minutes are saved as the clerk types (a second after the last key) to the JSON
//   API, with the version the page started from; a save refused because someone else
//   saved first says so and offers to save this copy over theirs;
// - every word not yet saved is kept in this browser (localStorage) and sent again when
//   the connection is back, or when the page is next opened;
// - "Add another" adds a row in place, pressing Enter twice at the end of a paragraph
//   starts the next one, a pasted text with blank lines becomes paragraphs, Ctrl+S saves;
// - "Saved" and "Not saved yet — will retry" are said in a polite live region.
// Actions made from a paragraph or resolution go with the whole form's POST, as without it.
const form = document.getElementById('minutes-form');
if (form && window.fetch && window.JSON) enhance(form);

function enhance(form) {
  const api = form.dataset.api;
  const storageKey = `ph-minutes:${form.dataset.meeting}`;
  const status = document.getElementById('minutes-save-status');
  const versionInput = document.getElementById('minutes-version');
  let version = Number(form.dataset.version);
  let timer = null;
  let inFlight = null;
  let changedSince = false;
  let retryDelay = 5000;
  let conflicted = false;
  let letThrough = false;
  // Only what changed is sent, item by item: a colleague's words on other items are never overwritten.
  const dirtyItems = new Set();
  const touchedInFlight = new Set();
  let closingDirty = false;

  const say = (text) => { if (status.textContent !== text) status.textContent = text; };
  const textOf = (kind, id) => form.querySelector(`#${kind}-${id}`);
  const removed = (id) => form.querySelector(`#remove-${id}`)?.checked === true;
  const inAction = (el) => !!el.closest('.app-minutes-action');

  /** The minutes as the page holds them, in the API's shape. */
  function current() {
    const items = new Map();
    for (const input of form.querySelectorAll('input[name="rows"]')) {
      const [kind, itemId, id] = input.value.split(':');
      if (!dirtyItems.has(itemId)) continue;
      if (!items.has(itemId)) items.set(itemId, { itemId, paragraphs: [], resolutions: [] });
      const text = removed(id) ? '' : (textOf(kind, id)?.value ?? '');
      items.get(itemId)[kind === 'p' ? 'paragraphs' : 'resolutions'].push({ id, text });
    }
    const state = { version, items: [...items.values()] };
    if (closingDirty) state.closedAt = form.querySelector('#closed_at')?.value ?? '';
    return state;
  }

  function keep(state) {
    try { localStorage.setItem(storageKey, JSON.stringify({ at: Date.now(), state })); } catch { /* private mode or full: the page still holds the words */ }
  }
  function forget() {
    try { localStorage.removeItem(storageKey); } catch { /* nothing kept */ }
  }

  function schedule(ms = 1000) {
    clearTimeout(timer);
    if (!conflicted) timer = setTimeout(save, ms);
  }

  async function save() {
    clearTimeout(timer);
    if (inFlight) { changedSince = true; return inFlight; }
    const state = current();
    keep(state);
    changedSince = false;
    touchedInFlight.clear();
    inFlight = send(state).finally(() => {
      inFlight = null;
      if (changedSince && !conflicted) schedule(300);
    });
    return inFlight;
  }

  async function send(state) {
    let res;
    try {
      res = await fetch(api, {
        method: 'PUT', credentials: 'same-origin', body: JSON.stringify(state),
        headers: { 'content-type': 'application/json', accept: 'application/json' },
      });
    } catch {
      return retryLater();
    }
    if (res.ok) {
      const doc = await res.json();
      version = doc.version;
      versionInput.value = String(version);
      form.dataset.version = String(version);
      for (const box of form.querySelectorAll('input[id^="remove-"]:checked')) box.closest('.app-minutes-row')?.remove();
      document.querySelector('[data-not-held]')?.remove();
      retryDelay = 5000;
      for (const item of state.items) if (!touchedInFlight.has(item.itemId)) dirtyItems.delete(item.itemId);
      if (state.closedAt !== undefined && !touchedInFlight.has('closing')) closingDirty = false;
      if (!changedSince) forget();
      say('Saved');
      return;
    }
    const problem = await res.json().catch(() => ({}));
    if (res.status === 409) return conflict(problem.detail || 'Someone else saved these minutes after your copy was opened.');
    if (res.status === 400) return say(`Not saved: ${(problem.errors || []).map((e) => e.message).join('. ') || problem.detail}`);
    if (res.status === 401) { say('Not saved yet — will retry. You have been signed out: sign in again in another tab, and your words will be sent'); return retryLater(false); }
    return retryLater();
  }

  function retryLater(announce = true) {
    if (announce) say('Not saved yet — will retry');
    clearTimeout(timer);
    timer = setTimeout(save, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  function conflict(message) {
    conflicted = true;
    clearTimeout(timer);
    say(`Not saved. ${message}`);
    const box = document.getElementById('minutes-conflict');
    box.hidden = false;
  }

  document.getElementById('minutes-keep-mine')?.addEventListener('click', async () => {
    const res = await fetch(api, { credentials: 'same-origin', headers: { accept: 'application/json' } }).catch(() => null);
    if (!res || !res.ok) return retryLater();
    version = (await res.json()).version;
    conflicted = false;
    document.getElementById('minutes-conflict').hidden = true;
    save();
  });

  // ---------------------------------------------------------------- rows

  function renumber(container) {
    container.querySelectorAll(':scope > .app-minutes-row').forEach((row, i) => {
      const label = row.querySelector('label.govuk-label');
      if (!label || !label.firstChild) return;
      if (row.dataset.kind === 'p') label.firstChild.textContent = `Paragraph ${i + 1}`;
      const hidden = label.querySelector('.govuk-visually-hidden');
      if (hidden && row.dataset.kind === 'r') hidden.textContent = hidden.textContent.replace(/clause \d+/, `clause ${i + 1}`);
    });
  }

  /** A new, empty row like the others of its item and kind, after `after` (or last), with its own id. */
  function addRow(container, after, id = crypto.randomUUID()) {
    const model = container.querySelector(':scope > .app-minutes-row');
    if (!model) return null;
    const oldId = model.dataset.row;
    const holder = document.createElement('div');
    holder.innerHTML = model.outerHTML.split(oldId).join(id);
    const row = holder.firstElementChild;
    for (const field of row.querySelectorAll('textarea, input:not([type=hidden]):not([type=checkbox]), select')) field.value = '';
    for (const field of row.querySelectorAll('.govuk-error-message')) field.remove();
    for (const field of row.querySelectorAll('.govuk-form-group--error')) field.classList.remove('govuk-form-group--error');
    row.querySelector('.govuk-checkboxes')?.closest('.govuk-form-group')?.remove();
    row.querySelector('details')?.removeAttribute('open');
    container.insertBefore(row, after ? after.nextSibling : null);
    renumber(container);
    return row;
  }

  form.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-add]');
    if (!button) return;
    event.preventDefault();
    const container = button.closest('section').querySelector(`.app-minutes-rows[data-kind="${button.dataset.add}"]`);
    const row = addRow(container, null);
    row?.querySelector('textarea')?.focus();
  });

  form.addEventListener('keydown', (event) => {
    const area = event.target;
    if (event.key !== 'Enter' || event.shiftKey || !area.matches('textarea[id^="p-"]')) return;
    // Enter twice at the end of a paragraph starts the next one.
    if (area.selectionStart !== area.value.length || !area.value.endsWith('\n')) return;
    event.preventDefault();
    area.value = area.value.replace(/\s+$/, '');
    const row = area.closest('.app-minutes-row');
    const next = addRow(row.parentElement, row);
    next?.querySelector('textarea')?.focus();
    changed(1000, area);
  });

  form.addEventListener('input', (event) => {
    const field = event.target;
    if (inAction(field)) return;
    // Pasted paragraphs separated by blank lines become one row each.
    if (field.matches('textarea[id^="p-"]') && /\n\s*\n/.test(field.value)) {
      const parts = field.value.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
      if (parts.length > 1) {
        field.value = parts[0];
        let row = field.closest('.app-minutes-row');
        for (const part of parts.slice(1)) {
          row = addRow(row.parentElement, row);
          row.querySelector('textarea').value = part;
        }
        row.querySelector('textarea').focus();
      }
    }
    changed(1000, field);
  });
  form.addEventListener('change', (event) => {
    if (event.target.matches('input[id^="remove-"]')) changed(200, event.target);
  });

  function changed(ms = 1000, field = null) {
    const item = field?.closest('section[data-item]')?.dataset.item;
    if (item) { dirtyItems.add(item); touchedInFlight.add(item); }
    if (field?.id === 'closed_at') { closingDirty = true; touchedInFlight.add('closing'); }
    changedSince = true;
    keep(current());
    schedule(ms);
  }

  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      save();
    }
  });

  form.addEventListener('submit', async (event) => {
    if (letThrough) return;
    event.preventDefault();
    const actionAsked = [...form.querySelectorAll('.app-minutes-action textarea, .app-minutes-action select, .app-minutes-action input')].some((f) => f.value.trim());
    await save();
    // Actions are made by the whole form's POST, with everything just saved.
    if (actionAsked && !conflicted) {
      letThrough = true;
      form.submit();
    }
  });

  window.addEventListener('online', () => { retryDelay = 5000; if (!conflicted) save(); });

  // Words kept from an earlier visit that the server never confirmed: put back and sent.
  let kept = null;
  try { kept = JSON.parse(localStorage.getItem(storageKey) || 'null'); } catch { kept = null; }
  if (kept && kept.state && Array.isArray(kept.state.items)) {
    let differs = kept.state.closedAt !== undefined && kept.state.closedAt !== (form.querySelector('#closed_at')?.value ?? '');
    if (differs) { form.querySelector('#closed_at').value = kept.state.closedAt; closingDirty = true; }
    for (const item of kept.state.items) {
      for (const [kind, rows] of [['p', item.paragraphs], ['r', item.resolutions]]) {
        const container = form.querySelector(`.app-minutes-rows[data-kind="${kind}"][data-item="${item.itemId}"]`);
        if (!container) continue;
        let last = null;
        for (const row of rows) {
          let area = textOf(kind, row.id);
          if (!area) {
            if (!row.text) continue;
            area = addRow(container, last, row.id)?.querySelector('textarea');
            if (!area) continue;
          }
          if (area.value !== row.text) { area.value = row.text; differs = true; dirtyItems.add(item.itemId); }
          last = area.closest('.app-minutes-row');
        }
      }
    }
    if (differs) {
      version = Number.isInteger(kept.state.version) ? kept.state.version : version;
      say('Not saved yet — will retry');
      schedule(200);
    } else {
      forget();
    }
  }
}
