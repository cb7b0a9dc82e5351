// The credo extension: the TextMate grammar and language configuration colour and edit
// `.credo` files; this client starts `credo lsp` for diagnostics, hover, go to definition,
// completion, formatting and the outline.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration("credo");
  const command = config.get("server.path") || "credo";
  const args = ["lsp", ...(config.get("server.extraArgs") || [])];
  return { command, args, transport: TransportKind.stdio };
}

async function start(context) {
  const config = vscode.workspace.getConfiguration("credo");
  const asOf = config.get("asOf");
  client = new LanguageClient(
    "credo",
    "credo",
    serverOptions(),
    {
      documentSelector: [{ language: "credo" }],
      initializationOptions: asOf ? { asOf } : {},
    },
  );
  try {
    await client.start();
  } catch (err) {
    const command = serverOptions().command;
    vscode.window.showErrorMessage(
      `credo: cannot start \`${command} lsp\` (${err.message}). Install credo or set credo.server.path.`,
    );
  }
}

async function activate(context) {
  await start(context);
  context.subscriptions.push(
    vscode.commands.registerCommand("credo.restartServer", async () => {
      if (client) {
        await client.stop();
      }
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("credo")) {
        await vscode.commands.executeCommand("credo.restartServer");
      }
    }),
  );
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
