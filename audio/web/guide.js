// adem: the page for the room. The shape follows the player's status (from
// /events): between two snapshots it moves on from the last position by the
// clock, so it stays in step with the sound and never drifts.
'use strict';
(function () {
  const body = document.body;
  const k = body.dataset.k;
  const control = body.dataset.role === 'control';
  const params = new URLSearchParams(location.search);
  const touch = window.matchMedia && window.matchMedia('(pointer: coarse)').matches;
  const remote = control && (params.has('remote') || touch);
  const $ = (id) => document.getElementById(id);
  const shape = $('shape'), label = $('label'), meta = $('round'), chapter = $('chapter');
  const words = $('words');
  const left = $('left'), session = $('session'), toggle = $('toggle'), said = $('said');
  const SMALL = 0.35, FULL = 1.0;

  let st = null;        // the last snapshot
  let at = 0;           // when it arrived (performance.now(), ms)
  let rest = SMALL;     // the size a steady phase keeps (where the last breath ended)
  let lastPhaseStart = -1, lastTone = 'none';

  function ease(f) { return (1 - Math.cos(Math.PI * f)) / 2; }
  function clamp(x) { return x < 0 ? 0 : x > 1 ? 1 : x; }

  // The position now, in seconds: the snapshot's, moved on by the clock
  // while playing (never past the phase's end).
  function position(now) {
    if (!st) return 0;
    if (st.paused || st.done) return st.position;
    const p = st.position + (now - at) / 1000;
    const end = st.phase_start + st.phase_length;
    return st.phase_length > 0 && p > end ? end : p;
  }

  function size(now) {
    if (!st || !(st.phase_length > 0)) return rest;
    const f = clamp((position(now) - st.phase_start) / st.phase_length);
    if (st.tone === 'rise') return SMALL + (FULL - SMALL) * ease(f);
    if (st.tone === 'fall') return FULL - (FULL - SMALL) * ease(f);
    return rest;
  }

  function clock(s) {
    s = Math.max(0, Math.round(s));
    const m = Math.floor(s / 60), r = s % 60;
    return m + ':' + (r < 10 ? '0' : '') + r;
  }

  function frame(now) {
    shape.style.transform = 'scale(' + size(now).toFixed(4) + ')';
    if (st) {
      const p = position(now);
      left.textContent = st.done ? 'Klaar' : 'nog ' + clock(st.length - p);
    }
    requestAnimationFrame(frame);
  }

  function show(s) {
    // a new phase: a steady one keeps the size the breath before it ended on
    if (s.phase_start !== lastPhaseStart) {
      if (lastTone === 'rise') rest = FULL;
      else if (lastTone === 'fall') rest = SMALL;
      lastPhaseStart = s.phase_start;
    }
    lastTone = s.tone;
    st = s;
    at = performance.now();
    label.textContent = s.done ? 'Klaar' : s.paused ? 'Pauze' : (s.phase || '');
    // a hold (a steady tone, or a `hold` waiting for the teacher) shows large
    label.classList.toggle('hold', (s.tone === 'steady' || s.holding === true) && !s.paused);
    label.dataset.tone = s.tone;
    session.textContent = s.session || '';
    meta.textContent = s.round && s.rounds ? 'ronde ' + s.round + '/' + s.rounds : '';
    chapter.textContent = s.chapter || '';
    words.textContent = s.words || '';
    if (toggle) toggle.textContent = s.paused ? 'Hervat' : 'Pauze';
    body.dataset.paused = s.paused ? '1' : '0';
  }

  const events = new EventSource('events?k=' + encodeURIComponent(k));
  events.onmessage = (e) => {
    try { show(JSON.parse(e.data)); } catch (err) { /* a broken event: wait for the next */ }
  };
  events.onerror = () => { if (!st || !st.done) label.textContent = 'Geen verbinding…'; };

  if (remote) {
    body.classList.add('remote');
    $('remote').hidden = false;
    for (const b of document.querySelectorAll('#remote button')) {
      b.addEventListener('click', () => {
        fetch('cmd?k=' + encodeURIComponent(k), { method: 'POST', body: b.dataset.cmd,
          headers: { 'Content-Type': 'text/plain' }, cache: 'no-store' })
          .then((r) => r.text().then((t) => { said.textContent = r.ok ? '' : t; }))
          .catch(() => { said.textContent = 'Geen verbinding'; });
      });
    }
  }
  requestAnimationFrame(frame);
})();
