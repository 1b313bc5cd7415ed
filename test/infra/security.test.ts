import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bicepParams, blockAfter, findBlock, listBicepFiles, readRepoFile, repoRoot, stripComments } from './bicepText.js';

// What can be checked without a Bicep compiler or Azure: keyless, private, pinned, least privilege.

const bicep = listBicepFiles().map((file) => ({ file, text: readRepoFile(file), code: stripComments(readRepoFile(file)) }));
const hooks = ['scripts/hooks/postdeploy.sh', 'scripts/hooks/postdeploy.ps1'].map((file) => ({ file, text: readRepoFile(file) }));
const code = (file: string): string => {
  const found = bicep.find((b) => b.file === file);
  if (!found) throw new Error(`Expected ${file} among the Bicep files but received ${bicep.map((b) => b.file).join(', ')}`);
  return found.code;
};

/** Built-in role ids by the names used in the Bicep (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
const builtInRoles: Record<string, string> = {
  storageblobdataowner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageblobdatacontributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageblobdatareader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  storagequeuedatacontributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  keyvaultsecretsuser: '4633458b-17de-408a-b874-0445c86b69e6',
  monitoringmetricspublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
};

describe('infra security by text', () => {
  it('finds the Bicep files', () => {
    expect(bicep.map((b) => b.file)).toEqual(expect.arrayContaining(['infra/main.bicep', 'infra/app/storage.bicep']));
  });

  it('never reads keys, SAS or connection strings with keys', () => {
    const forbidden =
      /\blist[A-Za-z]*\(|\.listKeys\b|AccountKey=|SharedAccessKey|SharedAccessSignature|\b(primaryKey|secondaryKey|sharedKey|primaryMasterKey)\b|--account-key|--sas-token|connection-string/i;
    for (const { file, code: text } of [...bicep, ...hooks.map((h) => ({ file: h.file, code: h.text }))]) {
      expect(forbidden.exec(text)?.[0], file).toBeUndefined();
    }
  });

  it('locks the storage account down: no shared keys, no public blobs, TLS 1.2, HTTPS only, recoverable blobs', () => {
    const storage = code('infra/app/storage.bicep');
    expect(storage).toMatch(/allowSharedKeyAccess:\s*false/);
    expect(storage).toMatch(/allowBlobPublicAccess:\s*false/);
    expect(storage).toMatch(/minimumTlsVersion:\s*'TLS1_2'/);
    expect(storage).toMatch(/supportsHttpsTrafficOnly:\s*true/);
    expect(storage).toMatch(/isVersioningEnabled:\s*true/);
    expect(storage).toMatch(/deleteRetentionPolicy:\s*\{\s*enabled:\s*true/);
    expect(storage).toMatch(/containerDeleteRetentionPolicy:\s*\{\s*enabled:\s*true/);
    for (const { file, code: text } of bicep) {
      expect(text, file).not.toMatch(/allowSharedKeyAccess:\s*true|allowBlobPublicAccess:\s*true/);
      for (const m of text.matchAll(/publicAccess:\s*(\S+)/g)) expect(m[1], file).toBe("'None'");
    }
  });

  it('keeps the GPU service off the internet: internal environment, HTTPS only, health probes', () => {
    const environment = code('infra/app/container-apps-environment.bicep');
    const vnet = blockAfter(environment, 'vnetConfiguration:', 'container-apps-environment.bicep');
    expect(environment.slice(vnet.start, vnet.end)).toMatch(/internal:\s*true/);
    expect(environment).toMatch(/destination:\s*'azure-monitor'/);
    const inference = code('infra/app/inference.bicep');
    const ingressBlock = blockAfter(inference, 'ingress:', 'inference.bicep');
    const ingress = inference.slice(ingressBlock.start, ingressBlock.end);
    expect(ingress).toMatch(/allowInsecure:\s*false/);
    expect(ingress).toMatch(/targetPort:\s*port\b/);
    expect(inference).toMatch(/var port = 8080\b/);
    expect(inference).toMatch(/type:\s*'Liveness'\s*httpGet:\s*\{\s*path:\s*'\/v2\/health\/live'/);
    expect(inference).toMatch(/type:\s*'Readiness'\s*httpGet:\s*\{\s*path:\s*'\/v2\/health\/ready'/);
    expect(inference).toMatch(/http:\s*\{\s*metadata:\s*\{\s*concurrentRequests:/);
    expect(inference).toMatch(/minReplicas:\s*minReplicas/);
    expect(inference).toMatch(/maxReplicas:\s*maxReplicas/);
    expect(inference).toMatch(/workloadProfileName:\s*workloadProfileName/);
  });

  it('offers the two serverless GPU profiles, T4 by default, and scales to zero by default', () => {
    const params = bicepParams(readRepoFile('infra/main.bicep'));
    expect(params.get('gpuProfileType')).toBe("'Consumption-GPU-NC8as-T4'");
    expect(params.get('inferenceMinReplicas')).toBe('0');
    const main = code('infra/main.bicep');
    expect(main).toMatch(/@allowed\(\['Consumption-GPU-NC8as-T4', 'Consumption-GPU-NC24-A100'\]\)\s*@description\([^)]*\)\s*param gpuProfileType/);
    const environment = code('infra/app/container-apps-environment.bicep');
    expect(environment).toMatch(/\{\s*name:\s*'Consumption',\s*workloadProfileType:\s*'Consumption'\s*\}/);
    expect(environment).toMatch(/\{\s*name:\s*gpuProfileName,\s*workloadProfileType:\s*gpuProfileType\s*\}/);
  });

  it('runs the function app on Flex Consumption, Node 22, keyless deployment storage, no publishing passwords', () => {
    const fn = code('infra/app/function-app.bicep');
    expect(fn).toMatch(/sku:\s*\{\s*tier:\s*'FlexConsumption',\s*name:\s*'FC1'\s*\}/);
    expect(fn).toMatch(/runtime:\s*\{\s*name:\s*'node',\s*version:\s*'22'\s*\}/);
    expect(fn).toMatch(/authentication:\s*\{\s*type:\s*'UserAssignedIdentity',\s*userAssignedIdentityResourceId:\s*identityId\s*\}/);
    expect(fn).toMatch(/httpsOnly:\s*true/);
    expect(fn).toMatch(/minTlsVersion:\s*'1\.2'/);
    expect(fn).toMatch(/keyVaultReferenceIdentity:\s*identityId/);
    expect([...fn.matchAll(/basicPublishingCredentialsPolicies'\s*=\s*\{\s*name:\s*'(\w+)'\s*properties:\s*\{\s*allow:\s*false/g)].map((m) => m[1])).toEqual(['scm', 'ftp']);
  });

  it('turns local auth off on App Insights, Log Analytics and the registry admin user; Key Vault in RBAC mode', () => {
    const monitoring = code('infra/app/monitoring.bicep');
    expect(monitoring).toMatch(/DisableLocalAuth:\s*true/);
    expect(monitoring).toMatch(/disableLocalAuth:\s*true/);
    expect(code('infra/main.bicep')).toMatch(/acrAdminUserEnabled:\s*false/);
    expect(code('infra/app/key-vault.bicep')).toMatch(/enableRbacAuthorization:\s*true/);
  });

  it('names every role assignment with guid() and uses named built-in role ids', () => {
    let count = 0;
    for (const { file, code: text } of bicep) {
      for (const m of text.matchAll(/'Microsoft\.Authorization\/roleAssignments@/g)) {
        const block = findBlock(text, m.index);
        const name = /\bname:\s*(.+)/.exec(text.slice(block.start, block.end));
        expect(name?.[1]?.trim(), `${file} role assignment at offset ${m.index}`).toMatch(/^guid\(/);
        count++;
      }
      for (const line of text.split('\n').filter((l) => /roleDefinitionId:/.test(l))) {
        expect(line, file).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      }
      for (const m of text.matchAll(/(\w+)\s*[:=]\s*'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/g)) {
        expect(builtInRoles[m[1]!.toLowerCase()], `${file}: ${m[1]}`).toBe(m[2]);
      }
    }
    expect(count).toBeGreaterThanOrEqual(4);
  });

  it('pins every registry module to an exact AVM version and points local modules at files that exist', () => {
    let avm = 0;
    for (const { file, code: text } of bicep) {
      for (const m of text.matchAll(/^module\s+\w+\s+'([^']+)'/gm)) {
        const ref = m[1]!;
        if (/^br[:/]/.test(ref)) {
          expect(ref, file).toMatch(/^br\/public:avm\/(res|ptn|utl)\/[a-z0-9-]+\/[a-z0-9-]+(\/[a-z0-9-]+)*:\d+\.\d+\.\d+$/);
          avm++;
        } else {
          expect(existsSync(join(repoRoot, dirname(file), ref)), `${file} -> ${ref}`).toBe(true);
        }
      }
    }
    expect(avm).toBeGreaterThan(0);
  });

  it('uses dated API versions, preview only where no GA version exists', () => {
    const previewAllowed = new Set(['Microsoft.Insights/diagnosticSettings@2021-05-01-preview']);
    for (const { file, code: text } of bicep) {
      for (const m of text.matchAll(/^resource\s+\w+\s+'([^']+)'/gm)) {
        const type = m[1]!;
        if (!type.includes('@')) continue; // child resources inherit their parent's version
        expect(type, file).toMatch(/@\d{4}-\d{2}-\d{2}(-preview)?$/);
        if (type.endsWith('-preview')) expect(previewAllowed.has(type), `${file}: ${type}`).toBe(true);
      }
    }
  });
});
