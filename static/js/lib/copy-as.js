// The same request as the commands people copy: curl, JavaScript fetch, Python requests, HTTPie.
// Each sends the very bytes the page's fetch sends (a multipart body included, boundary and all).

/** Quote a word for a POSIX shell, keeping the tutorial's double quotes where they are safe. */
export function shellQuote(word) {
  if (/^[A-Za-z0-9_\-.,:\/=@%+]+$/.test(word)) return word;
  if (!/["\\$`!]/.test(word)) return `"${word}"`;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function curlFormArgument([name, value]) {
  // curl -F reads a value starting with @ or < as a file, and ; as options: --form-string does not.
  const literal = /^[@<]|;/.test(value) ? "--form-string" : "-F";
  return `${literal} ${shellQuote(`${name}=${value}`)}`;
}

/** curl's command for a request built by buildRequest (lib/request.js). */
function curlCommand(request) {
  const args = ["curl"];
  if (request.body === null) {
    args.push(request.method === "HEAD" ? "-I" : "-i -X GET", shellQuote(request.url));
  } else {
    args.push("-i", "-X", request.method, shellQuote(request.url));
    if (request.encoding === "multipart/form-data") {
      args.push(
        ...(request.fields.length
          ? request.fields.map(curlFormArgument)
          : ["-H", shellQuote("Content-Type: multipart/form-data"), "-d", '""']),
      );
    } else {
      args.push("-H", shellQuote(`Content-Type: ${request.encoding}`), "-d", shellQuote(request.body) || '""');
    }
  }
  return args.join(" ");
}

// A JSON string literal is a valid literal in
// JavaScript and in Python too, so any value (quotes, $, backticks, newlines, non-ASCII) is safe.

const literal = (text) => JSON.stringify(text);

function fetchCode(request) {
  const options = [`  method: ${literal(request.method)},`];
  if (request.headers.length) {
    const headers = request.headers.map(([n, v]) => `${literal(n)}: ${literal(v)}`).join(", ");
    options.push(`  headers: { ${headers} },`);
  }
  if (request.body !== null) options.push(`  body: ${literal(request.body)},`);
  return [
    `const response = await fetch(${literal(request.url)}, {`,
    ...options,
    "});",
    "console.log(response.status, response.statusText, await response.text());",
  ].join("\n");
}

function requestsCode(request) {
  const args = [`    ${literal(request.method)},`, `    ${literal(request.url)},`];
  if (request.headers.length) {
    const headers = request.headers.map(([n, v]) => `${literal(n)}: ${literal(v)}`).join(", ");
    args.push(`    headers={${headers}},`);
  }
  if (request.body !== null) args.push(`    data=${literal(request.body)}.encode("utf-8"),`);
  return [
    "import requests",
    "",
    "response = requests.request(",
    ...args,
    ")",
    "print(response.status_code, response.reason)",
    "print(response.text)",
  ].join("\n");
}

function httpieCommand(request) {
  const args = ["http", "--ignore-stdin", request.method, shellQuote(request.url)];
  for (const [name, value] of request.headers) args.push(shellQuote(`${name}:${value}`));
  if (request.body !== null) args.push("--raw", request.body === "" ? "''" : shellQuote(request.body));
  return args.join(" ");
}

/** Every copy-as form of a request: what the Request view's "The same request as" offers. */
export function snippetsFor(request) {
  return {
    curl: curlCommand(request),
    fetch: fetchCode(request),
    requests: requestsCode(request),
    httpie: httpieCommand(request),
  };
}
