// Loaded before Bootstrap Italia's bundle: its bundled Video.js would otherwise insert a
// <style> element, which the Content-Security-Policy (no inline styles) refuses.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
