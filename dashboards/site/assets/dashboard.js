/*
 * rootloop dashboards: renders every chart of a page with vega-embed. Specs and data come from
 * <script type="application/json"> blocks (never evaluated as code); Vega expressions run through
 * vega-embed's interpreter (ast: true), so the page's Content-Security-Policy needs no 'unsafe-eval'.
 * The filters are plain <select> elements that the specs' params bind to directly.
 */
(function () {
  'use strict';

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  var datasets = readJson('rootloop-datasets') || {};
  var settings = readJson('rootloop-embed') || {};
  var views = {};
  var containers = Array.prototype.slice.call(document.querySelectorAll('[data-spec]'));

  var jobs = containers.map(function (container) {
    var entry = readJson(container.getAttribute('data-spec'));
    var spec = entry.spec;
    spec.datasets = {};
    entry.datasets.forEach(function (name) {
      spec.datasets[name] = datasets[name];
    });
    return vegaEmbed(container, spec, {
      renderer: 'svg',
      ast: true,
      actions: { export: true, source: false, compiled: false, editor: false },
      i18n: settings.i18n,
      downloadFileName: entry.id,
    }).then(
      function (result) {
        views[entry.id] = result.view;
        container.setAttribute('data-rendered', 'true');
      },
      function (error) {
        container.setAttribute('data-rendered', 'error');
        container.textContent = (settings.failed || 'Chart failed') + ': ' + error.message;
        console.error(error);
      },
    );
  });

  // A "from" week after the "to" week left every chart blank: moving one past the other moves the other
  // along. Vega's element bindings listen for "input", so that event carries the new value to the charts.
  var weekFrom = document.getElementById('filter-week-from');
  var weekTo = document.getElementById('filter-week-to');
  function keepOrdered(changed, other, changedIsFrom) {
    changed.addEventListener('input', function () {
      var crossed = changedIsFrom ? changed.value > other.value : changed.value < other.value;
      if (!crossed) return;
      other.value = changed.value;
      other.dispatchEvent(new Event('input'));
    });
  }
  if (weekFrom && weekTo) {
    keepOrdered(weekFrom, weekTo, true);
    keepOrdered(weekTo, weekFrom, false);
  }

  window.rootloop = {
    views: views,
    ready: Promise.all(jobs).then(function () {
      document.documentElement.setAttribute('data-charts-rendered', String(containers.length));
    }),
  };
})();
