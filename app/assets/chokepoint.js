// Chokepoint's browser-side callbacks: undo/redo history of the canvas (kept in the page, never sent
// to the server), selecting a label from the legend, and copying the PNG/SVG export request.
(function () {
  const LIMIT = 20;
  const history = {past: [], future: [], current: null, restoring: false};
  const cy = () => {
    const el = document.querySelector('#cy');
    return el && el._cyreg && el._cyreg.cy;
  };
  // what makes two views the same for undo: elements, their data and classes (not positions)
  const sortedData = d => Object.keys(d).sort().map(k => [k, d[k]]);
  const canonical = els => JSON.stringify(els.map(e => sortedData(e.data || {})));
  // dash-cytoscape echoes the canvas back without classes; app.view mirrors them in data._classes
  const withClasses = els => els.map(e => (e.classes === undefined && e.data && e.data._classes !== undefined)
    ? Object.assign({}, e, {classes: e.data._classes}) : e);
  const state = () => `undo ${history.past.length} · redo ${history.future.length}`;

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    chokepoint: {
      // every new canvas view is remembered, unless undo/redo put it there
      remember: function (elements) {
        const same = history.current !== null && canonical(history.current) === canonical(elements || []);
        if (history.restoring) {
          history.restoring = false;
        } else if (!same) {
          if (history.current !== null) {
            history.past.push(history.current);
            if (history.past.length > LIMIT) history.past.shift();
          }
          history.future = [];
        }
        history.current = elements || [];
        const prepare = () => {
          const c = cy();
          if (!c) return setTimeout(prepare, 100);
          if (!c.scratch('_chokepoint')) {  // once: a double-click on a node asks the server to expand it
            c.scratch('_chokepoint', true);
            c.on('dbltap', 'node', evt => window.dash_clientside.set_props(
              'expand-request', {data: {id: evt.target.id(), t: Date.now()}}));
          }
          // pinned nodes keep their place when a layout runs
          c.nodes('.pinned').lock();
          c.nodes(':locked').not('.pinned').unlock();
        };
        setTimeout(prepare, 0);
        return state();
      },
      undo: function () {
        if (!history.past.length) return [window.dash_clientside.no_update, state()];
        history.future.push(history.current);
        history.restoring = true;
        return [withClasses(history.past.pop()), state()];
      },
      redo: function () {
        if (!history.future.length) return [window.dash_clientside.no_update, state()];
        history.past.push(history.current);
        history.restoring = true;
        return [withClasses(history.future.pop()), state()];
      },
      // the legend: select every entity of the clicked label
      selectLabel: function () {
        const t = window.dash_clientside.callback_context.triggered;
        if (!t.length || !t[0].value) return window.dash_clientside.no_update;
        const label = t[0].prop_id.split('.')[0].replace(/^legend-/, '');
        const c = cy();
        c.elements().unselect();
        c.nodes('.' + label).select();
        return `${c.nodes('.' + label).length} ${label} selected`;
      },
      fit: function () {
        cy().fit(undefined, 30);
        return window.dash_clientside.no_update;
      },
    },
  });
})();
