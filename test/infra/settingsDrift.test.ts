import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultSettings, settingNames, storageConnectionName } from '../../shared/config/settings.js';
import { bicepParams, blockAfter, maskBicep, readRepoFile, repoRoot, topLevelKeys } from './bicepText.js';

// Drift test: the settings the code reads and the settings infra writes must be the same sets, in both directions.

const functionAppFile = 'infra/app/function-app.bicep';
const inferenceFile = 'infra/app/inference.bicep';

/** Settings the function app gets from the platform side rather than from settingNames, listed on purpose. */
const functionPlatformSettings = [
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  `${storageConnectionName}__blobServiceUri`,
  // The blob extension keeps poison messages in a queue of the trigger's connection.
  `${storageConnectionName}__queueServiceUri`,
  `${storageConnectionName}__credential`,
  `${storageConnectionName}__clientId`,
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
];

/**
 * The inference server's settings as agreed in the issue, used only until shared/inference/serverSettings.ts
 * (which exports `serverSettingNames`) exists; from then on that module is the truth.
 */
const agreedServerSettings = [
  'DRGRADE_INFERENCE_KEY',
  'DRGRADE_MODEL_DIR',
  'DRGRADE_MODEL_URL',
  'DRGRADE_EXECUTION_PROVIDER',
  'DRGRADE_MAX_BATCH_SIZE',
  'DRGRADE_MAX_QUEUE_DELAY_MS',
  'DRGRADE_MAX_QUEUE_SIZE',
  'DRGRADE_MAX_BODY_BYTES',
  'PORT',
  'AZURE_CLIENT_ID',
];

/** Read by libraries rather than by the server's own settings reader; allowed whether or not the server lists them. */
const containerPlatformSettings = ['PORT', 'AZURE_CLIENT_ID'];

async function serverSettingNames(): Promise<string[]> {
  const file = join(repoRoot, 'shared/inference/serverSettings.ts');
  if (!existsSync(file)) return agreedServerSettings;
  const mod = (await import(pathToFileURL(file).href)) as { serverSettingNames?: unknown };
  const names = mod.serverSettingNames;
  const values = Array.isArray(names) ? names : typeof names === 'object' && names !== null ? Object.values(names) : undefined;
  if (!values || !values.every((v): v is string => typeof v === 'string')) {
    throw new Error(`Expected serverSettingNames (array or record of strings) in ${file} but received ${JSON.stringify(names)}`);
  }
  return values;
}

function functionAppSettingNames(): string[] {
  const text = readRepoFile(functionAppFile);
  const configAt = text.search(/resource\s+appSettings\s+'config'/);
  expect(configAt, 'appsettings config resource in function-app.bicep').toBeGreaterThanOrEqual(0);
  const props = blockAfter(text.slice(configAt), 'properties:', functionAppFile);
  return topLevelKeys(text.slice(configAt), props);
}

/** `name: '...'` entries of the container's env array (the only place the container gets settings). */
function containerEnvNames(): string[] {
  const text = readRepoFile(inferenceFile);
  const env = blockAfter(text, /\benv:\s*\[/, inferenceFile);
  const body = text.slice(env.start, env.end + 1);
  return [...body.matchAll(/\bname:\s*'([^']+)'/g)].map((m) => m[1]!);
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

describe('infra settings drift', () => {
  it('sets exactly the function app settings the code reads, plus the listed platform settings', () => {
    const written = functionAppSettingNames();
    expect(written.length, 'no setting written twice').toBe(new Set(written).size);
    expect(sorted(written)).toEqual(sorted([...Object.values(settingNames), ...functionPlatformSettings]));
  });

  it('sets exactly the inference container settings the server reads', async () => {
    const written = containerEnvNames();
    expect(written.length, 'no setting written twice').toBe(new Set(written).size);
    expect(sorted(written)).toEqual(sorted([...(await serverSettingNames()), ...containerPlatformSettings]));
  });

  it('never writes a key-based storage connection string for the trigger or the host', () => {
    const written = functionAppSettingNames();
    expect(written).not.toContain(storageConnectionName);
    expect(written).not.toContain('AzureWebJobsStorage');
    const text = readRepoFile(functionAppFile);
    expect(text).toMatch(new RegExp(`${storageConnectionName}__credential:\\s*'managedidentity'`));
    expect(text).toMatch(/AzureWebJobsStorage__credential:\s*'managedidentity'/);
  });

  it('passes the inference key as a Key Vault reference to both apps, never as a value', () => {
    const functionText = readRepoFile(functionAppFile);
    expect(functionText).toMatch(
      new RegExp(`${settingNames.inferenceKey}:\\s*'@Microsoft\\.KeyVault\\(SecretUri=\\$\\{inferenceKeySecretUri\\}\\)'`),
    );
    const inferenceText = readRepoFile(inferenceFile);
    expect(inferenceText).toMatch(/\{\s*name:\s*'DRGRADE_INFERENCE_KEY',\s*secretRef:\s*'inference-key'\s*\}/);
    expect(inferenceText).toMatch(/name:\s*'inference-key',\s*keyVaultUrl:\s*inferenceKeySecretUri,\s*identity:\s*identityId/);
  });

  it('creates the containers the code expects, named as the settings defaults', () => {
    const main = readRepoFile('infra/main.bicep');
    const params = bicepParams(main);
    const unquote = (v: string | undefined): string | undefined => v?.replace(/^'(.*)'$/, '$1');
    expect(unquote(params.get('incomingContainerName'))).toBe(defaultSettings.incomingContainer);
    expect(unquote(params.get('resultsContainerName'))).toBe(defaultSettings.resultsContainer);
    expect(unquote(params.get('poisonContainerName'))).toBe(defaultSettings.poisonContainer);
    const storageCall = main.slice(main.search(/module\s+storage\s+'app\/storage\.bicep'/));
    const list = /containerNames:\s*\[([^\]]*)\]/.exec(maskBicep(storageCall));
    expect(list, 'containerNames passed to the storage module').not.toBeNull();
    const names = list![1]!.split(',').map((s) => s.trim());
    expect(names).toEqual(expect.arrayContaining(['incomingContainerName', 'resultsContainerName', 'poisonContainerName']));
    const functionText = readRepoFile(functionAppFile);
    expect(functionText).toMatch(new RegExp(`${settingNames.incomingContainer}:\\s*incomingContainerName\\b`));
    expect(functionText).toMatch(new RegExp(`${settingNames.resultsContainer}:\\s*resultsContainerName\\b`));
    expect(functionText).toMatch(new RegExp(`${settingNames.poisonContainer}:\\s*poisonContainerName\\b`));
  });

  it('defaults the function limits to the code defaults (the inference timeout is raised for GPU cold starts)', () => {
    const params = bicepParams(readRepoFile('infra/main.bicep'));
    expect(Number(params.get('maxImageBytes'))).toBe(defaultSettings.maxImageBytes);
    expect(Number(params.get('maxPixels'))).toBe(defaultSettings.maxPixels);
    expect(Number(params.get('requestDeadlineMs'))).toBe(defaultSettings.requestDeadlineMs);
    expect(params.get('maculaDiscDiameters')).toBe(`'${String(defaultSettings.maculaDiscDiameters)}'`);
    expect(Number(params.get('inferenceTimeoutMs'))).toBeGreaterThanOrEqual(defaultSettings.inferenceTimeoutMs);
    expect(Number(params.get('inferenceTimeoutMs'))).toBeLessThan(defaultSettings.requestDeadlineMs);
  });
});
