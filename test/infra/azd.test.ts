import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bicepOutputs, bicepParams, readRepoFile, repoRoot, stripComments } from './bicepText.js';
import { parseSimpleYaml, yamlMap, yamlScalar } from './simpleYaml.js';

// azure.yaml, the parameters file and the postdeploy hooks must fit main.bicep and the files in the repository.

const azureYaml = parseSimpleYaml(readRepoFile('azure.yaml'));
const main = readRepoFile('infra/main.bicep');
const outputs = bicepOutputs(main);
const hookFiles = ['scripts/hooks/postdeploy.sh', 'scripts/hooks/postdeploy.ps1'];
/** Set by azd itself for every hook, not by main.bicep. */
const azdProvided = ['AZURE_SUBSCRIPTION_ID', 'AZURE_ENV_NAME', 'AZURE_LOCATION', 'AZURE_PRINCIPAL_ID'];
/** Set by the operating system (the PowerShell hook checks for Windows). */
const osProvided = ['OS'];
const incomingFunctionName = 'gradeIncomingBlob';
const exists = (path: string): boolean => existsSync(join(repoRoot, path));

describe('azd wiring', () => {
  it('declares the function app and the inference container as services whose sources exist', () => {
    const api = yamlMap(azureYaml, 'services', 'api');
    expect(yamlScalar(api, 'host')).toBe('function');
    expect(yamlScalar(api, 'language')).toBe('ts');
    const apiProject = yamlScalar(api, 'project');
    expect(exists(join(apiProject, 'package.json'))).toBe(true);
    expect(exists(join(apiProject, 'host.json'))).toBe(true);

    const inference = yamlMap(azureYaml, 'services', 'inference');
    expect(yamlScalar(inference, 'host')).toBe('containerapp');
    const project = yamlScalar(inference, 'project');
    const dockerfile = join(project, yamlScalar(inference, 'docker', 'path'));
    expect(dockerfile.split('\\').join('/')).toBe('inference/Dockerfile');
    expect(exists(dockerfile), 'inference/Dockerfile (the inference engineer adds it)').toBe(true);
    expect(exists(join(project, yamlScalar(inference, 'docker', 'context')))).toBe(true);
  });

  it('tags each app with the azd service name that azure.yaml uses', () => {
    const services = Object.keys(yamlMap(azureYaml, 'services')).sort();
    const tagged = [
      ...readRepoFile('infra/app/function-app.bicep').matchAll(/'azd-service-name':\s*'([^']+)'/g),
      ...readRepoFile('infra/app/inference.bicep').matchAll(/'azd-service-name':\s*'([^']+)'/g),
    ].map((m) => m[1]!);
    expect(tagged.sort()).toEqual(services);
  });

  it('points infra at main.bicep and both postdeploy hooks at scripts that exist', () => {
    expect(yamlScalar(azureYaml, 'infra', 'path')).toBe('infra');
    expect(exists(`infra/${yamlScalar(azureYaml, 'infra', 'module')}.bicep`)).toBe(true);
    const posix = yamlScalar(azureYaml, 'hooks', 'postdeploy', 'posix', 'run');
    const windows = yamlScalar(azureYaml, 'hooks', 'postdeploy', 'windows', 'run');
    expect([posix, windows]).toEqual(hookFiles);
    expect(yamlScalar(azureYaml, 'hooks', 'postdeploy', 'windows', 'shell')).toBe('pwsh');
    for (const file of hookFiles) expect(exists(file), file).toBe(true);
  });

  it('feeds the hooks only with main.bicep outputs and azd variables', () => {
    for (const file of hookFiles) {
      const text = readRepoFile(file);
      // sh: $NAME / ${NAME...}; PowerShell: $env:NAME (other $Names there are PowerShell's own variables).
      const pattern = file.endsWith('.ps1') ? /\$env:([A-Z][A-Z0-9_]+)/g : /\$\{?([A-Z][A-Z0-9_]+)/g;
      const used = new Set([...text.matchAll(pattern)].map((m) => m[1]!));
      expect(used.size, file).toBeGreaterThan(3);
      for (const name of used) expect([...outputs, ...azdProvided, ...osProvided], `${file} uses ${name}`).toContain(name);
    }
  });

  it('subscribes the blob extension webhook of gradeIncomingBlob to BlobCreated in the incoming container', () => {
    for (const file of hookFiles) {
      const text = readRepoFile(file);
      expect(text, file).toMatch(/systemKeys\.blobs_extension/);
      expect(text, file).toContain(`'${incomingFunctionName}'`);
      expect(text, file).toMatch(/\/runtime\/webhooks\/blobs\?functionName=Host\.Functions\.\$(functionName|\{function_name\})&code=\$(key|\{key\})/);
      expect(text, file).toMatch(/--included-event-types Microsoft\.Storage\.BlobCreated\b/);
      expect(text, file).toMatch(/--subject-begins-with "\/blobServices\/default\/containers\/\$(\{INCOMING_CONTAINER_NAME\}|\(\$env:INCOMING_CONTAINER_NAME\))\/"/);
      expect(text, file).toMatch(/--endpoint-type webhook/);
    }
    expect(outputs).toContain('INCOMING_CONTAINER_NAME');
    expect(stripComments(main)).toMatch(/output INCOMING_CONTAINER_NAME string = incomingContainerName/);
  });

  it('names the function the hooks target, once the function code registers a blob trigger', () => {
    const dir = join(repoRoot, 'functions');
    const sources = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
    const blobTriggers = sources.filter((s) => /\.storageBlob\(/.test(s));
    if (blobTriggers.length > 0) {
      const named = new RegExp(`storageBlob\\(\\s*'${incomingFunctionName}'`);
      expect(blobTriggers.some((s) => named.test(s)), `a blob trigger registered as '${incomingFunctionName}'`).toBe(true);
    }
  });

  it('matches main.parameters.json to the parameters of main.bicep', () => {
    const params = bicepParams(main);
    const file = JSON.parse(readRepoFile('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    for (const name of Object.keys(file.parameters)) expect([...params.keys()], name).toContain(name);
    const required = [...params].filter(([, def]) => def === undefined).map(([name]) => name);
    for (const name of required) expect(Object.keys(file.parameters), `required ${name}`).toContain(name);
    // azd reads the key back from the vault named by this output, so re-provisioning keeps it.
    expect(file.parameters['inferenceKey']?.value).toBe('$(secretOrRandomPassword ${AZURE_KEY_VAULT_NAME} drgrade-inference-key)');
    expect(outputs).toContain('AZURE_KEY_VAULT_NAME');
    expect(stripComments(main)).toMatch(/var inferenceKeySecretName = 'drgrade-inference-key'/);
    expect(main).toMatch(/@secure\(\)\s*@description\([^)]*\)\s*param inferenceKey string\s*$/m);
    expect(outputs).toContain('AZURE_CONTAINER_REGISTRY_ENDPOINT');
    for (const name of outputs) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });

  it('documents deployment: prerequisites, GPU quota, azd up, partner RBAC, costs, teardown', () => {
    const doc = readRepoFile('docs/deploy.md');
    for (const phrase of ['azd up', 'azd down --purge', 'support case', 'Storage Blob Data Contributor', 'Consumption-GPU-NC24-A100', 'research use only']) {
      expect(doc.toLowerCase(), phrase).toContain(phrase.toLowerCase());
    }
  });
});
