// Chokepoint's browser-side callbacks: undo/redo history of the canvas (kept in the page, never sent
// to the server), selecting a label from the legend, and copying the PNG/SVG export request.
(function () {
  const LIMIT = 20;
  const history = {past: [], future: [], current: null, restoring: false};
  const cy = () => document.querySelector('#cy')._cyreg.cy;
  const state = () => `undo ${history.past.length} · redo ${history.future.length}`;

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    chokepoint: {
      // every new canvas view is remembered, unless undo/redo put it there
      remember: function (elements) {
        if (history.restoring) {
          history.restoring = false;
        } else {
          if (history.current !== null) {
            history.past.push(history.current);
            if (history.past.length > LIMIT) history.past.shift();
          }
          history.future = [];
        }
        history.current = elements || [];
        setTimeout(() => {  // pinned nodes keep their place when a layout runs
          const c = cy();
          c.nodes('.pinned').lock();
          c.nodes(':locked').not('.pinned').unlock();
        }, 0);
        return state();
      },
      undo: function () {
        if (!history.past.length) return [window.dash_clientside.no_update, state()];
        history.future.push(history.current);
        history.restoring = true;
        return [history.past.pop(), state()];
      },
      redo: function () {
        if (!history.future.length) return [window.dash_clientside.no_update, state()];
        history.past.push(history.current);
        history.restoring = true;
        return [history.future.pop(), state()];
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
