import { describe, expect, it } from 'vitest';
import { parseExecutionProvider, readSettings } from '../../../shared/config/settings.js';

describe('settings', () => {
  it('reads defaults and the identity-based storage connection', () => {
    const s = readSettings({ FundusStorage__blobServiceUri: 'https://acct.blob.core.windows.net', FundusStorage__credential: 'managedidentity', FundusStorage__clientId: 'abc' });
    expect(s.incomingContainer).toBe('fundus-incoming');
    expect(s.executionProvider).toBe('cpu');
    expect(s.storage).toEqual({ kind: 'identity', blobServiceUri: 'https://acct.blob.core.windows.net', credential: 'managedidentity', clientId: 'abc' });
    expect(readSettings({ FundusStorage: 'UseDevelopmentStorage=true' }).storage).toEqual({ kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' });
    expect(readSettings({ DRGRADE_MACULA_DISC_DIAMETERS: 'null' }).maculaDiscDiameters).toBeNull();
  });
  it('refuses an unknown execution provider, naming the setting', () => {
    expect(() => readSettings({ DRGRADE_EXECUTION_PROVIDER: 'tpu' })).toThrow(/DRGRADE_EXECUTION_PROVIDER/);
    expect(() => parseExecutionProvider('--provider', 'gpu')).toThrow(/Expected 'cpu', 'cuda' or 'auto' for --provider but received "gpu"/);
    expect(parseExecutionProvider('--provider', 'auto')).toBe('auto');
  });
});
