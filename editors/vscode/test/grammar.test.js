// The TextMate grammar on every shipped policy (policies/*.credo): every token that is not
// white space gets a credo scope beyond the file's own, and no token is scoped `invalid`.
// A sample of hand-picked lines checks that the scopes are the right ones.
"use strict";

const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.join(__dirname, "..", "..", "..");
const grammarPath = path.join(__dirname, "..", "syntaxes", "credo.tmLanguage.json");

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === "source.credo"
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
        : null,
  });
  return registry.loadGrammar("source.credo");
}

/** Every token of a text: its text, scopes and line number. */
function tokenize(grammar, text) {
  const out = [];
  let stack = vsctm.INITIAL;
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    const result = grammar.tokenizeLine(line, stack);
    for (const t of result.tokens) {
      out.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes, line: i + 1 });
    }
    stack = result.ruleStack;
  });
  return out;
}

const grammarLoaded = loadGrammar();

const policies = fs
  .readdirSync(path.join(root, "policies"))
  .filter((f) => f.endsWith(".credo"))
  .sort();

test("there are shipped policies to tokenize", () => {
  assert.ok(policies.length >= 3, `found ${policies.join(", ")}`);
});

for (const file of policies) {
  test(`every token of policies/${file} has a credo scope and none is invalid`, async () => {
    const grammar = await grammarLoaded;
    const text = fs.readFileSync(path.join(root, "policies", file), "utf8");
    const tokens = tokenize(grammar, text);
    assert.ok(tokens.length > 100, `${tokens.length} tokens`);
    for (const t of tokens) {
      const where = `policies/${file}:${t.line} \`${t.text}\` (${t.scopes.join(" ")})`;
      assert.ok(!t.scopes.some((s) => s.includes("invalid")), `invalid scope at ${where}`);
      if (t.text.trim() !== "") {
        const own = t.scopes.filter((s) => s !== "source.credo" && s.endsWith(".credo"));
        assert.ok(own.length > 0, `no credo scope at ${where}`);
      }
    }
  });
}

/** The innermost scope of the first token that is exactly `text` on a one-line source. */
async function scopeOf(line, text) {
  const grammar = await grammarLoaded;
  const token = tokenize(grammar, line).find((t) => t.text === text);
  assert.ok(token, `\`${text}\` is a token of \`${line}\``);
  return token.scopes[token.scopes.length - 1];
}

test("tokens get the scopes their role in the language calls for", async () => {
  const cases = [
    ['credential ccna { provider cisco }', "credential", "storage.type.declaration.credo"],
    ['credential ccna { provider cisco }', "ccna", "entity.name.type.credo"],
    ['credential ccna { provider cisco }', "provider", "support.type.property-name.credo"],
    ['credential ccna { provider cisco }', "cisco", "variable.other.credo"],
    ["  accept any credential where age <= 3y", "accept", "keyword.control.credo"],
    ["  accept any credential where age <= 3y", "credential", "support.type.item.credo"],
    ["  accept any credential where age <= 3y", "<=", "keyword.operator.comparison.credo"],
    ["  accept any credential where age <= 3y", "3y", "constant.numeric.duration.credo"],
    ["  effective 2026-10-01", "2026-10-01", "constant.other.date.credo"],
    ['  title "SOC \\"I\\""', '\\"', "constant.character.escape.credo"],
    ["  advance when required_missing == 0 # note", "advance", "constant.language.outcome.credo"],
    ["  advance when required_missing == 0 # note", " note", "comment.line.number-sign.credo"],
    ["  eligible when candidate.enrolled", "candidate", "variable.language.candidate.credo"],
    ["  adverse_impact 80% over [sex]", "80%", "constant.numeric.percent.credo"],
    ["  skills_per_role 3..5", "..", "keyword.operator.range.credo"],
  ];
  for (const [line, text, scope] of cases) {
    assert.strictEqual(await scopeOf(line, text), scope, `\`${text}\` in \`${line}\``);
  }
});

test("a character the language does not have is scoped invalid", async () => {
  assert.strictEqual(await scopeOf("skill a \"A\" ;", ";"), "invalid.illegal.credo");
});
