// Sorting a report table in place. Without script the column headings are links that ask the
// server for the sorted table (?sort=), so this only saves a page load; it keeps aria-sort
// right so a screen reader hears the order.
for (const table of document.querySelectorAll("table[data-dtto-sortable]")) {
  const body = table.tBodies[0];
  const headers = [...table.tHead.rows[0].cells];
  headers.forEach((header, column) => {
    const link = header.querySelector("a");
    if (!header.dataset.sortKey || !link) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "dtto-sort-button";
    button.textContent = link.textContent;
    link.replaceWith(button);
    button.addEventListener("click", () => {
      const text = column === 0;
      const rows = [...body.rows];
      const value = (row) => row.cells[column].dataset.sortValue ?? "";
      rows.sort((a, b) => {
        const [x, y] = [value(a), value(b)];
        if (text) return x.localeCompare(y);
        if (x === "" || y === "") return (x === "") - (y === ""); // missing figures last
        return Number(y) - Number(x);
      });
      body.append(...rows);
      for (const other of headers) {
        if (other.dataset.sortKey) other.setAttribute("aria-sort", "none");
      }
      header.setAttribute("aria-sort", text ? "ascending" : "descending");
    });
  });
}
