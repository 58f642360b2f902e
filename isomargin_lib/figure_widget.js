// The module of every course figure (plots.CourseFigureWidget): it imports plotly's widget
// module by URL, so the browser loads and runs those 5 MB once per page instead of once per
// figure (anywidget gives each figure 2 s to load its module). JupyterLab serves the URL through
// the course's server extension (isomargin_server.py); the browser edition's site holds the file.
const config = document.getElementById("jupyter-config-data");
const baseUrl = config ? JSON.parse(config.textContent).baseUrl : undefined;
if (!baseUrl) {
  throw new Error("isomargin: this page has no Jupyter configuration; open the lessons in " +
                  "JupyterLab or Notebook 7 (see the README)");
}
const url = new URL("isomargin/plotly/widgetbundle.js", new URL(baseUrl, location.href)).href;
let plotly;
try {
  plotly = await import(url);
} catch (error) {
  throw new Error(`isomargin: could not load plotly's figure module from ${url} (${error}). ` +
                  "Start JupyterLab from the course's environment (README, 'Run the course'): " +
                  "its server extension isomargin_server serves this file.");
}
export default plotly.default;
