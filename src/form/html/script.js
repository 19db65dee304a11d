// canvass HTML form: shows questions whose show_if holds, checks the answers, and turns
// them into one canonical CSV row (header + row) to download or copy.
//
// This script is the same for every survey. Everything survey-specific is data on the
// page: each question's kind, limits and resolved show_if condition (JSON) sit in data-*
// attributes, and answers are read from the form's own fields. Survey text is only ever
// put on the page as text (textContent), never run.
(function () {
  'use strict';
  var form = document.getElementById('survey');
  if (!form) { return; }
  document.documentElement.classList.add('js');

  var summary = document.getElementById('error-summary');
  var summaryTitle = document.getElementById('error-summary-title');
  var summaryList = document.getElementById('error-list');
  var result = document.getElementById('result');
  var output = document.getElementById('csv');
  var download = document.getElementById('download');
  var copy = document.getElementById('copy');
  var copyStatus = document.getElementById('copy-status');

  // Every field that can be invalid, in page order: the respondent id, then the questions.
  var fields = Array.prototype.slice.call(form.querySelectorAll('[data-question]'));
  var byId = {};
  var conditions = [];
  fields.forEach(function (el) {
    byId[el.getAttribute('data-question')] = el;
    var cond = el.getAttribute('data-show-if');
    if (cond) { conditions.push([el, JSON.parse(cond)]); }
  });
  var sections = Array.prototype.slice.call(form.querySelectorAll('section'));
  var attempted = false;
  // The problem each field shows now, if any.
  var shown = new Map();

  function kind(el) { return el.getAttribute('data-kind'); }
  function data(el, name) { return el.getAttribute('data-' + name); }
  function all(el, selector) { return Array.prototype.slice.call(el.querySelectorAll(selector)); }

  // The choice inputs of a single, likert or multiple question, in the survey's order,
  // so that a position is the code's index, as conditions count them.
  function choices(el) { return all(el, '.choice input'); }
  function rows(el) { return all(el, '.matrix-row'); }
  function row(el, code) {
    return rows(el).filter(function (r) { return data(r, 'row') === code; })[0];
  }
  function rowInputs(r) { return all(r, 'input'); }
  function rankSelects(el) { return all(el, 'select'); }
  function otherChoice(el) { return el.querySelector('input[data-other]'); }
  function otherText(el) { return el.querySelector('input[data-other-text]'); }
  function textField(el) { return el.querySelector('input[type=text], textarea'); }

  function checkedIndices(inputs) {
    var out = [];
    inputs.forEach(function (input, i) { if (input.checked) { out.push(i); } });
    return out;
  }

  // A number as canvass ingest reads it: digits with a decimal point, optionally signed
  // or with an exponent; a probability may end in %.
  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  function readNumber(el) {
    var text = textField(el).value.trim();
    if (kind(el) === 'probability') { text = text.replace(/\s*%$/, ''); }
    if (text === '') { return { empty: true }; }
    var n = Number(text);
    if (!NUMBER.test(text) || !isFinite(n)) { return { bad: text }; }
    return { number: n };
  }

  // Places given in a ranking: [place, item index] for every ranked item, best first.
  function ranked(el) {
    var out = [];
    rankSelects(el).forEach(function (select, i) {
      if (select.value !== '') { out.push([Number(select.value), i]); }
    });
    return out.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
  }

  function characters(text) { return Array.from(text).length; }

  // ---- show_if ------------------------------------------------------------------------
  // What a respondent gave for a target, as Cond::holds sees it (survey/show_if.rs):
  // missing, one code index, several code indices, a number, or some text.
  var MISSING = { missing: true };
  function given(target) {
    var el = byId[target.question];
    if (!el || el.hidden) { return MISSING; }
    var picked;
    switch (kind(el)) {
      case 'single':
      case 'likert':
        picked = checkedIndices(choices(el));
        return picked.length ? { code: picked[0] } : MISSING;
      case 'matrix':
        picked = checkedIndices(rowInputs(row(el, target.row)));
        return picked.length ? { code: picked[0] } : MISSING;
      case 'multiple':
        picked = checkedIndices(choices(el));
        return picked.length ? { codes: picked } : MISSING;
      case 'ranking':
        picked = ranked(el).map(function (r) { return r[1]; });
        return picked.length ? { codes: picked } : MISSING;
      case 'numeric':
      case 'probability':
      case 'year':
        picked = readNumber(el);
        return 'number' in picked ? { number: picked.number } : MISSING;
      default:
        return textField(el).value.trim() !== '' ? { text: true } : MISSING;
    }
  }

  function compare(a, op, b) {
    switch (op) {
      case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      case '>=': return a >= b;
    }
    return false;
  }

  // A comparison with a missing answer is false, whatever the operator.
  function same(g, value) {
    return ('code' in g && 'code' in value && g.code === value.code) ||
      ('number' in g && 'number' in value && g.number === value.number);
  }

  function holds(c) {
    if ('any' in c) { return c.any.some(holds); }
    if ('all' in c) { return c.all.every(holds); }
    if ('not' in c) { return !holds(c.not); }
    if ('answered' in c) { return !given(c.answered).missing; }
    var g = given(c.target);
    if ('compare' in c) {
      if ('code' in g && 'code' in c.value) { return compare(g.code, c.compare, c.value.code); }
      if ('number' in g && 'number' in c.value) { return compare(g.number, c.compare, c.value.number); }
      return false;
    }
    if ('in' in c) { return c['in'].some(function (v) { return same(g, v); }); }
    if ('contains' in c) { return 'codes' in g && g.codes.indexOf(c.contains) >= 0; }
    return false;
  }

  function clear(el) {
    all(el, 'input, textarea, select').forEach(function (input) {
      if (input.type === 'radio' || input.type === 'checkbox') { input.checked = false; } else { input.value = ''; }
    });
    showProblem(el, null);
  }

  // Conditions only look at earlier questions, so one pass in page order settles every
  // question: a question hidden (and cleared) here reads as unanswered further on, as
  // canvass ingest treats it.
  function applyConditions() {
    conditions.forEach(function (pair) {
      var el = pair[0];
      var holdsNow = holds(pair[1]);
      if (holdsNow === !el.hidden) { return; }
      el.hidden = !holdsNow;
      if (!holdsNow) { clear(el); }
    });
    sections.forEach(function (section) {
      var questions = all(section, '[data-question]');
      section.hidden = questions.length > 0 && questions.every(function (q) { return q.hidden; });
    });
    updateCounters();
  }

  // ---- checks -------------------------------------------------------------------------
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
  function range(el, what) {
    var lo = data(el, 'min');
    var hi = data(el, 'max');
    if (lo !== null && hi !== null) { return what + ' from ' + lo + ' to ' + hi; }
    if (lo !== null) { return what + ' of at least ' + lo; }
    if (hi !== null) { return what + ' of at most ' + hi; }
    return what;
  }

  // The first problem with a shown field, as { message, focus }, or null.
  function problemOf(el) {
    var required = el.hasAttribute('data-required');
    var n;
    switch (kind(el)) {
      case 'respondent':
        return textField(el).value.trim() === ''
          ? { message: 'Enter the respondent id from your invitation.', focus: textField(el) } : null;
      case 'round': {
        var select = el.querySelector('select');
        return select.value === '' ? { message: 'Choose the round you are answering.', focus: select } : null;
      }
      case 'single':
      case 'likert':
        n = checkedIndices(choices(el)).length;
        if (required && n === 0) { return { message: 'Pick one answer.', focus: choices(el)[0] }; }
        return otherProblem(el);
      case 'multiple': {
        n = checkedIndices(choices(el)).length;
        var min = Number(data(el, 'min-picks') || 0);
        var max = data(el, 'max-picks');
        if (n === 0 && required) {
          return { message: min > 1 ? 'Tick at least ' + min + '.' : 'Tick at least one.', focus: choices(el)[0] };
        }
        if (n > 0 && n < min) {
          return { message: 'Tick at least ' + min + '; you ticked ' + n + '.', focus: choices(el)[0] };
        }
        if (max !== null && n > Number(max)) {
          return { message: 'Tick at most ' + max + '; you ticked ' + n + '.', focus: choices(el)[0] };
        }
        return otherProblem(el);
      }
      case 'matrix': {
        var missing = rows(el).filter(function (r) { return checkedIndices(rowInputs(r)).length === 0; });
        if (!required || missing.length === 0) { return null; }
        var first = missing[0].querySelector('.row-label').textContent;
        return {
          message: missing.length === rows(el).length
            ? 'Pick an answer in every row.'
            : 'Pick an answer in every row; ' + plural(missing.length, 'row has', 'rows have') +
              ' none yet, the first: “' + first + '”.',
          focus: rowInputs(missing[0])[0],
          rows: missing
        };
      }
      case 'ranking':
        return rankingProblem(el, required);
      case 'numeric':
      case 'probability':
      case 'year':
        return numberProblem(el, required);
      default: {
        var text = textField(el).value.trim();
        var limit = data(el, 'max-length');
        if (required && text === '') { return { message: 'Write an answer.', focus: textField(el) }; }
        n = characters(text);
        if (limit !== null && n > Number(limit)) {
          return { message: 'Shorten your answer to at most ' + limit + ' characters; it has ' + n + '.', focus: textField(el) };
        }
        return null;
      }
    }
  }

  function otherProblem(el) {
    var choice = otherChoice(el);
    var text = otherText(el);
    if (choice && choice.checked && text.value.trim() === '') {
      return { message: 'Say what “other” is, or untick it.', focus: text };
    }
    return null;
  }

  function numberProblem(el, required) {
    var input = textField(el);
    var r = readNumber(el);
    var year = kind(el) === 'year';
    var whole = year || el.hasAttribute('data-integer');
    var what = year ? 'a year' : kind(el) === 'probability' ? 'a percentage' : whole ? 'a whole number' : 'a number';
    if (r.empty) { return required ? { message: 'Enter ' + what + '.', focus: input } : null; }
    if ('bad' in r) {
      return { message: '“' + r.bad + '” is not a number: write digits, with a point for decimals, such as ' + (year ? '2035' : whole ? '12' : '12.5') + '.', focus: input };
    }
    var lo = data(el, 'min');
    var hi = data(el, 'max');
    if ((whole && !Number.isInteger(r.number)) ||
        (lo !== null && r.number < Number(lo)) || (hi !== null && r.number > Number(hi))) {
      return { message: 'Enter ' + range(el, what) + '.', focus: input };
    }
    return null;
  }

  function rankingProblem(el, required) {
    var places = Number(data(el, 'places'));
    var selects = rankSelects(el);
    var placed = ranked(el);
    var everything = places === selects.length;
    var ask = everything ? 'Number every item from 1 to ' + places : 'Rank your top ' + places + ': give places 1 to ' + places;
    if (placed.length === 0) {
      return required ? { message: ask + ', each once.', focus: selects[0] } : null;
    }
    for (var i = 1; i < placed.length; i++) {
      if (placed[i][0] === placed[i - 1][0]) {
        var twice = placed.filter(function (p) { return p[0] === placed[i][0]; })
          .map(function (p) { return selects[p[1]]; });
        return { message: 'Place ' + placed[i][0] + ' is given to more than one item; give each place once.', focus: twice[0], controls: twice };
      }
    }
    if (placed.length < places) {
      var used = placed.map(function (g) { return g[0]; });
      var free = [];
      for (var p = 1; p <= places; p++) { if (used.indexOf(p) < 0) { free.push(p); } }
      var unranked = selects.filter(function (s) { return s.value === ''; })[0];
      return { message: ask + ', each once; ' + (free.length === 1 ? 'place ' : 'places ') + free.join(', ') + ' not given yet.', focus: unranked };
    }
    return null;
  }

  // Marks a field invalid (or not): its message, aria-invalid on the controls the message
  // is about, and the message linked to the field with aria-describedby.
  function showProblem(el, problem) {
    var box = el.querySelector('.error-message');
    var described = el.tagName === 'FIELDSET' ? el : textField(el);
    var ids = (described.getAttribute('aria-describedby') || '').split(' ').filter(function (id) { return id && id !== box.id; });
    all(el, '[aria-invalid]').forEach(function (c) { c.removeAttribute('aria-invalid'); });
    all(el, '.invalid-row').forEach(function (r) { r.classList.remove('invalid-row'); });
    if (el.hasAttribute('aria-invalid')) { el.removeAttribute('aria-invalid'); }
    if (problem) {
      box.textContent = '';
      var prefix = document.createElement('span');
      prefix.className = 'visually-hidden';
      prefix.textContent = 'Error: ';
      box.appendChild(prefix);
      box.appendChild(document.createTextNode(problem.message));
      box.hidden = false;
      el.classList.add('invalid');
      ids.unshift(box.id);
      invalidControls(el, problem).forEach(function (c) { c.setAttribute('aria-invalid', 'true'); });
      (problem.rows || []).forEach(function (r) { r.classList.add('invalid-row'); });
      shown.set(el, problem);
    } else {
      box.hidden = true;
      box.textContent = '';
      el.classList.remove('invalid');
      shown.delete(el);
    }
    if (ids.length) { described.setAttribute('aria-describedby', ids.join(' ')); } else { described.removeAttribute('aria-describedby'); }
  }

  // aria-invalid goes where ARIA allows it: text fields, radio groups, checkboxes, selects.
  function invalidControls(el, problem) {
    if (problem.focus && problem.focus.hasAttribute('data-other-text')) { return [problem.focus]; }
    switch (kind(el)) {
      case 'single':
      case 'likert': return [el];
      case 'multiple': return choices(el);
      case 'matrix': return problem.rows || [];
      case 'ranking': return problem.controls || rankSelects(el);
      default: return [textField(el)];
    }
  }

  // Re-checks every shown field. New problems are shown only when `report` is set (on
  // submit, or when an answer is committed after a submit); a fixed one always clears.
  function check(report) {
    var problems = [];
    fields.forEach(function (el) {
      var problem = el.hidden ? null : problemOf(el);
      if (problem && (report || shown.has(el))) {
        showProblem(el, problem);
      } else if (!problem && shown.has(el)) {
        showProblem(el, null);
      }
      if (shown.has(el)) { problems.push(el); }
    });
    summaryList.textContent = '';
    problems.forEach(function (el) {
      var problem = shown.get(el);
      var link = document.createElement('a');
      var number = data(el, 'number');
      link.href = '#' + problem.focus.id;
      link.textContent = (number ? 'Question ' + number + ': ' : '') + problem.message;
      link.addEventListener('click', function (event) {
        event.preventDefault();
        problem.focus.focus({ preventScroll: true });
        el.scrollIntoView({ block: 'start' });
      });
      var item = document.createElement('li');
      item.appendChild(link);
      summaryList.appendChild(item);
    });
    summaryTitle.textContent = problems.length === 1
      ? 'Please check 1 answer before making your file'
      : 'Please check ' + problems.length + ' answers before making your file';
    summary.hidden = problems.length === 0;
    return problems.length;
  }

  // ---- the CSV row --------------------------------------------------------------------
  // Exactly crate::escape::csv_cell: a cell that starts like a formula (after any run of
  // quote marks) gets one more ', which canvass removes again when it reads the file.
  function csvCell(value) {
    if (/^'*[=+\-@\t\r]/.test(value)) { value = "'" + value; }
    return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  function answerText(el) {
    if (!el || el.hidden) { return ''; }
    var picked = function (inputs) {
      return inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; }).join(';');
    };
    switch (kind(el)) {
      case 'single':
      case 'likert':
      case 'multiple':
        return picked(choices(el));
      case 'ranking':
        return ranked(el).map(function (r) { return data(rankSelects(el)[r[1]], 'code'); }).join(';');
      case 'numeric':
      case 'probability':
      case 'year': {
        var r = readNumber(el);
        return 'number' in r ? String(r.number) : '';
      }
      default:
        return textField(el).value.trim();
    }
  }

  // The value of one canonical column: `q`, `q.row` (a matrix row), or `q.other`.
  function columnValue(name) {
    if (name === 'submitted_at') { return new Date().toISOString(); }
    if (name === 'respondent_id') { return textField(byId[name]).value.trim(); }
    if (name === 'round') { return byId[name].querySelector('select').value; }
    if (byId[name]) { return answerText(byId[name]); }
    var dot = name.indexOf('.');
    var el = dot > 0 ? byId[name.slice(0, dot)] : null;
    // No field on the page: the weights column, which the survey team fills in.
    if (!el || el.hidden) { return ''; }
    if (kind(el) === 'matrix') {
      var r = row(el, name.slice(dot + 1));
      return r ? rowInputs(r).filter(function (i) { return i.checked; }).map(function (i) { return i.value; }).join('') : '';
    }
    var choice = otherChoice(el);
    return choice && choice.checked ? otherText(el).value.trim() : '';
  }

  // Lines end in \n, as canvass writes CSV; a textarea turns \r\n into \n anyway, so the
  // copied text and the downloaded file are the same.
  function makeCsv() {
    var columns = form.getAttribute('data-columns').split(',');
    return columns.map(csvCell).join(',') + '\n' + columns.map(columnValue).map(csvCell).join(',') + '\n';
  }

  // ---- events -------------------------------------------------------------------------
  function updateCounters() {
    all(form, '.counter').forEach(function (counter) {
      var el = counter.closest('[data-question]');
      var limit = Number(data(el, 'max-length'));
      var n = characters(textField(el).value.trim());
      counter.hidden = false;
      counter.classList.toggle('over', n > limit);
      counter.textContent = n > limit
        ? plural(n - limit, 'character', 'characters') + ' too many (at most ' + limit + ')'
        : n + ' of ' + limit + ' characters';
    });
  }

  function changed(event, committed) {
    var target = event.target;
    // Writing an "other" answer picks the "other" choice.
    if (target.hasAttribute && target.hasAttribute('data-other-text') && target.value.trim() !== '') {
      var choice = otherChoice(target.closest('[data-question]'));
      if (choice && !choice.checked) { choice.checked = true; }
    }
    applyConditions();
    if (!result.hidden) { result.hidden = true; }
    if (attempted) { check(committed); }
  }
  form.addEventListener('input', function (event) { changed(event, false); });
  form.addEventListener('change', function (event) { changed(event, true); });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    attempted = true;
    applyConditions();
    if (check(true) > 0) {
      result.hidden = true;
      moveFocus(summary);
      return;
    }
    var csv = makeCsv();
    output.value = csv;
    download.href = 'data:text/csv;charset=utf-8,' + encodeURIComponent(csv);
    copyStatus.textContent = '';
    result.hidden = false;
    moveFocus(result);
  });

  // Focus on a region that has just appeared, with its top at the top of the screen.
  function moveFocus(el) {
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'start' });
  }

  copy.addEventListener('click', function () {
    var done = function () { copyStatus.textContent = 'Copied.'; };
    var fallback = function () {
      output.select();
      copyStatus.textContent = document.execCommand('copy') ? 'Copied.' : 'Select the text and copy it.';
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(output.value).then(done, fallback);
    } else {
      fallback();
    }
  });

  applyConditions();
  all(document, '.actions').forEach(function (el) { el.hidden = false; });
})();
