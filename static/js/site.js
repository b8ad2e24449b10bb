// Progressive enhancement only: every page works without this file.
// When a form comes back with problems, move focus to the error summary so keyboard and screen
// reader users hear the problems first (the summary's links then take them to each field).
document.addEventListener("DOMContentLoaded", () => {
    const summary = document.querySelector("[data-error-summary]");
    if (summary) {
        summary.focus();
    }
    // Error summary links: focus the field itself, not just scroll to it.
    document.querySelectorAll(".error-summary a[href^='#']").forEach((link) => {
        link.addEventListener("click", (event) => {
            const field = document.getElementById(link.getAttribute("href").slice(1));
            if (field) {
                event.preventDefault();
                field.focus();
                field.scrollIntoView({ block: "center" });
            }
        });
    });
});
