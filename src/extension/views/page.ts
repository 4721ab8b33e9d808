// The page of a SeqLab webview inside VS Code: what it may load (options) and its HTML, with a fresh nonce each load.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { WebviewKind } from '../../runner/pageHtml';
import { panelHtml } from './panelHtml';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: WebviewKind, title: string): string {
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString();
  return panelHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: asset(`${kind}.js`),
    styleUri: asset(`${kind}.css`),
    title,
    kind,
  });
}
