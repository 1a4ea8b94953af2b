/** plugin-manifest.json (top level) describes what the plugin really offers and ships. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const project = fileURLToPath(new URL('../../../', import.meta.url));

test('the manifest matches package.json, the command options and the shipped model (refresh: node rollup.imagej.mjs)', async () => {
  const manifest = JSON.parse(readFileSync(path.join(project, "plugin-manifest.json"), "utf8")) as { model: { file: string; sha256: string } };
  const { pluginManifest, DEFAULT_BASE_URL } = (await import(pathToFileURL(path.join(project, 'rollup.imagej.mjs')).href)) as {
    pluginManifest(base: string): Promise<Record<string, unknown>>;
    DEFAULT_BASE_URL: string;
  };
  const expected = await pluginManifest(DEFAULT_BASE_URL);
  assert.deepEqual(manifest, expected, 'plugin-manifest.json is stale: run node rollup.imagej.mjs');
  for (const key of ['id', 'name', 'version', 'description', 'author', 'licence', 'entry', 'commands', 'model', 'icon']) assert.ok(key in manifest, key);
  const onnx = readFileSync(path.join(project, manifest.model.file));
  assert.equal(manifest.model.sha256, createHash('sha256').update(onnx).digest('hex'));
});

test('the plugin file is an ImJoy plugin: config with name, type, version, api_version; a module script importing the bundle', async () => {
  const { imjoyPluginHtml } = (await import(pathToFileURL(path.join(project, 'rollup.imagej.mjs')).href)) as { imjoyPluginHtml(base: string): string };
  const html = imjoyPluginHtml('https://example.org/fq/');
  const config = JSON.parse(/<config lang="json">([\s\S]*?)<\/config>/.exec(html)![1]!);
  assert.equal(config.name, 'Focus Quality');
  assert.equal(config.type, 'iframe');
  assert.ok(config.version && config.api_version);
  assert.match(html, /<script lang="javascript" type="module">[\s\S]*import\("https:\/\/example\.org\/fq\/focus-quality-imagej\.js"\)/);
  assert.throws(() => imjoyPluginHtml('example.org/no-scheme'), /FQ_PLUGIN_BASE_URL/);
});
