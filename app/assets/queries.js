// The Queries panel: Ctrl+Enter (Cmd+Enter on a Mac) runs the saved query whose form has the focus,
// or the ad-hoc Cypher. The focused field is blurred first, so a date typed in a picker is committed
// before the run button is pressed.
(function () {
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    const target = event.target;
    if (!target || !target.closest) return;
    const box = target.closest('#queries-adhoc') ? 'queries-adhoc-run'
      : target.closest('#queries-saved') ? 'queries-run' : null;
    if (!box) return;
    event.preventDefault();
    if (target.blur) target.blur();
    setTimeout(function () {
      const button = document.getElementById(box);
      if (button && !button.disabled) button.click();
    }, 0);
  }, true);
})();
