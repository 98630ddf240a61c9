// KOLOps page behaviour: no inline scripts (CSP), only data attributes.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.submit();
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
});
// Keep shared search addresses short: empty filters are not sent.
document.addEventListener("htmx:configRequest", (event) => {
  const data = event.detail.formData;
  if (!data || event.detail.verb !== "get") return;
  for (const key of Array.from(new Set(data.keys()))) {
    const values = data.getAll(key).filter((v) => v !== "");
    data.delete(key);
    values.forEach((v) => data.append(key, v));
  }
});
