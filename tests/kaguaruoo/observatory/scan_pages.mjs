// MDN HTTP Observatory's checks on several pages of one site, as its own scan() grades
// a home page, with the options its retrieve() takes (ports, a path, request headers).
//
// Input on stdin: {"host": "localhost", "httpPort": "8080", "httpsPort": "8443",
//   "pages": [{"name": "home", "path": "/", "cookie": "sessionid=…"}, …]}
// Output on stdout: one JSON object per page with its score, grade and every test.
import { retrieve } from "@mdn/mdn-http-observatory/src/retriever/retriever.js";
import { ALL_TESTS } from "@mdn/mdn-http-observatory/src/constants.js";
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from "@mdn/mdn-http-observatory/src/grader/charts.js";
import {
  getGradeForScore,
  getScoreModifier,
} from "@mdn/mdn-http-observatory/src/grader/grader.js";

const ACCEPT = "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async function readInput() {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

// The arithmetic of the package's scanner/index.js scan().
function grade(requests) {
  let withExtraCredit = 100;
  let uncurved = 100;
  const tests = ALL_TESTS.map((test) => {
    const output = test(requests);
    const modifier = output.result ? getScoreModifier(output.result) : 0;
    const best = Math.max(...output.constructor.possibleResults.map(getScoreModifier));
    withExtraCredit += modifier;
    if (modifier < 0) uncurved += modifier;
    const name = output.constructor.name;
    return { name, result: output.result, pass: output.pass, modifier, best };
  });
  const score = uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved;
  return { ...getGradeForScore(score), tests };
}

const site = await readInput();
for (const page of site.pages) {
  const headers = [ACCEPT, ...(page.cookie ? [`Cookie: ${page.cookie}`] : [])];
  const requests = await retrieve(site.host, {
    httpPort: site.httpPort,
    httpsPort: site.httpsPort,
    path: page.path,
    headers,
  });
  const auto = requests.responses.auto;
  // Where the page's redirects (if any) ended: a signed-in page that sent the scanner
  // to the login page was not scanned signed in.
  const arrived = requests.session?.redirectHistory.at(-1)?.url.pathname ?? null;
  const result = auto
    ? { status: auto.status, arrived, ...grade(requests) }
    : { status: null, arrived, score: 0, grade: "-", tests: [] };
  console.log(JSON.stringify({ name: page.name, path: page.path, ...result }));
}
