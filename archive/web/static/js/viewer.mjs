// The PDF viewer: pdf.js (shipped with daiban, nothing fetched from elsewhere) on one file, opened at a page.
const script = document.querySelector("script[data-file]");
const lib = script.dataset.lib;
const pdfjsLib = await import(`${lib}build/pdf.min.mjs`);
// pdf_viewer.mjs finds the library it belongs to on globalThis.
globalThis.pdfjsLib = pdfjsLib;
const { EventBus, PDFLinkService, PDFViewer } = await import(`${lib}web/pdf_viewer.mjs`);
pdfjsLib.GlobalWorkerOptions.workerSrc = `${lib}build/pdf.worker.min.mjs`;

const container = document.getElementById("viewerContainer");
const pageInput = document.getElementById("page");
const status = document.getElementById("status");
const eventBus = new EventBus();
const linkService = new PDFLinkService({ eventBus });
const viewer = new PDFViewer({ container, viewer: document.getElementById("viewer"), eventBus, linkService });
linkService.setViewer(viewer);

eventBus.on("pagesinit", () => {
  viewer.currentScaleValue = "page-width";
  viewer.currentPageNumber = Math.min(Number(script.dataset.page) || 1, viewer.pagesCount);
});
eventBus.on("pagechanging", (event) => { pageInput.value = event.pageNumber; });
eventBus.on("textlayerrendered", (event) => { document.body.dataset.textPage = event.pageNumber; });
document.getElementById("prev").addEventListener("click", () => { viewer.currentPageNumber -= 1; });
document.getElementById("next").addEventListener("click", () => { viewer.currentPageNumber += 1; });
pageInput.addEventListener("change", () => { viewer.currentPageNumber = Number(pageInput.value); });

try {
  const pdf = await pdfjsLib.getDocument({
    url: script.dataset.file, cMapUrl: `${lib}cmaps/`, cMapPacked: true,
    standardFontDataUrl: `${lib}standard_fonts/`, wasmUrl: `${lib}wasm/`,
  }).promise;
  viewer.setDocument(pdf);
  linkService.setDocument(pdf);
  document.getElementById("pages").textContent = pdf.numPages;
  document.body.dataset.pages = pdf.numPages;
} catch (error) {
  status.textContent = `无法打开文件：${error.message}`;
  document.body.dataset.error = error.message;
}
