#include "phone_page.h"

#include <fmt/format.h>

namespace licet::server {
namespace {

// The product name is the catalog's (signed by the vendor), escaped all the same.
std::string Escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

constexpr std::string_view kPage = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Phone activation — {product}</title>
<style>
  body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }}
  input {{ font: 1.1rem ui-monospace, monospace; width: 100%; padding: .4rem; }}
  button {{ font-size: 1rem; margin-top: .6rem; padding: .4rem 1rem; }}
  #result {{ margin-top: 1.2rem; font: 1.1rem ui-monospace, monospace; white-space: pre-wrap; }}
  .error {{ color: #a00; }}
</style>
</head>
<body>
<h1>Phone activation</h1>
<p>{product}. On the machine, run <code>licet slmgr /dti</code> (or <code>licet slui 4</code>) and
type the installation ID below: six groups of six digits.</p>
<form id="form">
  <label for="iid">Installation ID</label>
  <input id="iid" name="iid" autocomplete="off" placeholder="000000-000000-000000-000000-000000-000000">
  <button type="submit">Get the confirmation ID</button>
</form>
<div id="result" aria-live="polite"></div>
<script>
// The Damm check digit of each group (its number, then its five digits), as slui 4 checks it.
const DAMM = [[0,3,1,7,5,9,8,6,4,2],[7,0,9,2,1,5,4,8,6,3],[4,2,0,6,8,7,1,3,5,9],
  [1,7,5,0,9,8,3,4,2,6],[6,1,2,3,0,4,5,9,7,8],[3,6,7,4,2,0,9,5,8,1],[5,8,6,9,7,2,0,1,3,4],
  [8,9,4,5,3,6,2,0,1,7],[9,4,3,8,6,1,7,2,0,5],[2,5,8,1,4,3,6,7,9,0]];
function damm(s) {{ let i = 0; for (const c of s) i = DAMM[i][c.charCodeAt(0) - 48]; return i; }}
function badGroup(digits) {{
  for (let g = 0; g < digits.length / 6; g++) {{
    const group = digits.substr(g * 6, 6);
    const n = String(g + 1).padStart(2, "0");
    if (damm(n + group.substr(0, 5)) !== Number(group[5])) return g + 1;
  }}
  return 0;
}}
const result = document.getElementById("result");
function show(text, error) {{ result.textContent = text; result.className = error ? "error" : ""; }}
document.getElementById("form").addEventListener("submit", async (event) => {{
  event.preventDefault();
  const digits = document.getElementById("iid").value.replace(/[\s-]/g, "");
  if (!/^[0-9]{{36}}$/.test(digits)) return show("The installation ID has 36 digits (6 groups of 6).", true);
  const bad = badGroup(digits);
  if (bad) return show("Group " + bad + " has a wrong check digit: a digit in it was mistyped.", true);
  const reply = await fetch("/v1/phone-activations", {{
    method: "POST", headers: {{"Content-Type": "application/json"}},
    body: JSON.stringify({{installation_id: digits}})}});
  const body = await reply.json();
  if (!reply.ok) return show(body.error.code + ": " + body.error.message, true);
  show("Confirmation ID (type it with licet slmgr /atp, or in slui 4):\n" + body.confirmation_id, false);
}});
</script>
</body>
</html>
)HTML";

}  // namespace

std::string PhonePage(const std::string& product_name) {
  return fmt::format(kPage, fmt::arg("product", Escape(product_name)));
}

}  // namespace licet::server
