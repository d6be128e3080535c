// The self-service phone activation page (GET /phone) in Debian's headless Chromium: a real
// installation ID from `licet slmgr /dti`, a typo the page catches and names, then the
// confirmation ID the page shows, deposited with `slmgr /atp`.
//   node tests/browser/phone_page.test.mjs CLI_DIR LICET_SERVER_BIN   (ctest runs it)
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { chromium } from "playwright-core";

const [cliDir, serverBin] = process.argv.slice(2);
const licet = `${cliDir}/licet`;
const run = (bin, args) => execFileSync(bin, args, { encoding: "utf8" });
const tmp = mkdtempSync("/tmp/licet-browser-");
let server;
let browser;

try {
  run(serverBin, ["init", "--catalog", "windows-server-2022", "--data", `${tmp}/vendor`, "--lab"]);
  const mak = run(serverBin, ["keys", "generate", "--data", `${tmp}/vendor`, "--edition",
    "ServerStandard", "--channel", "Volume:MAK", "--count", "1"]).trim();
  const root = `${tmp}/machine`;
  run(licet, ["--root", root, "install", "--catalog", "windows-server-2022", "--edition",
    "ServerStandard"]);
  run(licet, ["--root", root, "slmgr", "/ipk", mak]);
  const iid = JSON.parse(run(licet, ["--root", root, "--json", "slmgr", "/dti"])).installation_id;

  server = spawn(serverBin, ["serve", "--data", `${tmp}/vendor`, "--listen", "127.0.0.1:0"]);
  const url = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (127\.0\.0\.1:\d+)/);
      if (m) resolve(`http://${m[1]}`);
    });
    server.on("exit", (code) => reject(new Error(`licet-server exited with ${code}`)));
  });

  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  const page = await browser.newPage();
  await page.goto(`${url}/phone`);
  assert.match(await page.title(), /Phone activation — Windows Server 2022/);

  // A mistyped digit in group 2: the page names the group and sends nothing.
  const digits = iid.split("-");
  digits[1] = (digits[1][0] === "9" ? "0" : String(Number(digits[1][0]) + 1)) + digits[1].slice(1);
  await page.fill("#iid", digits.join("-"));
  await page.click("button[type=submit]");
  await page.waitForSelector("#result.error");
  assert.match(await page.textContent("#result"), /Group 2 has a wrong check digit/);

  // The right IID: the page shows the confirmation ID, which the installation accepts.
  await page.fill("#iid", iid);
  await page.click("button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#result").textContent.includes("Confirmation ID"));
  const shown = await page.textContent("#result");
  const cid = shown.trim().split("\n").pop();
  assert.match(cid, /^(\d{6}-){14}\d{6}$/);
  assert.match(run(licet, ["--root", root, "slmgr", "/atp", cid]), /Product activated successfully/);
  console.log("phone page: typo named, confirmation ID shown and deposited");
} finally {
  if (browser) await browser.close();
  if (server) server.kill("SIGTERM");
  rmSync(tmp, { recursive: true, force: true });
}
