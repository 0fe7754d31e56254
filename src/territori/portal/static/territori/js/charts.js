// Draws every chart on the page from its Vega-Lite spec (embedded as JSON beside it).
(function () {
  "use strict";
  var lang = document.documentElement.lang || "it";
  var labels = lang.indexOf("en") === 0
    ? { SVG_ACTION: "Save as SVG", PNG_ACTION: "Save as PNG", CLICK_TO_VIEW_ACTIONS: "Chart actions" }
    : { SVG_ACTION: "Salva come SVG", PNG_ACTION: "Salva come PNG", CLICK_TO_VIEW_ACTIONS: "Azioni sul grafico" };
  document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-vega-spec"));
    if (!source || typeof vegaEmbed !== "function") { return; }
    var spec = JSON.parse(source.textContent);
    vegaEmbed(element, spec, {
      renderer: "svg",
      // No eval (the expression interpreter) and no injected <style> elements: the site's
      // Content-Security-Policy allows neither; the styles come from vega-embed.css.
      ast: true,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true },
      actions: { export: true, source: false, compiled: false, editor: false },
      // without the default style the export links would lie open over the chart: keep them
      // in the menu (a <details> toggled by its button)
      forceActionsMenu: true,
      i18n: labels,
      formatLocale: lang.indexOf("en") === 0 ? undefined : { decimal: ",", thousands: ".", grouping: [3], currency: ["", " €"] }
    }).then(function (result) {
      // The export menu's toggle is an icon: give it a name for screen readers.
      element.querySelectorAll("summary").forEach(function (summary) {
        summary.setAttribute("aria-label", labels.CLICK_TO_VIEW_ACTIONS);
      });
      element.setAttribute("data-rendered", "true");
    }).catch(function (error) {
      element.setAttribute("data-rendered", "error");
      element.textContent = error.message;
    });
  });
})();
