import { describe, expect, it } from 'vitest';
import { defaultServerSettings, readServerSettings, serverSettingNames } from '../../../shared/inference/serverSettings.js';

describe('serverSettings', () => {
  it('uses exactly the names infra writes', () => {
    expect(serverSettingNames).toEqual({
      inferenceKey: 'DRGRADE_INFERENCE_KEY',
      modelDir: 'DRGRADE_MODEL_DIR',
      modelUrl: 'DRGRADE_MODEL_URL',
      modelAccountUrl: 'DRGRADE_MODEL_ACCOUNT_URL',
      executionProvider: 'DRGRADE_EXECUTION_PROVIDER',
      maxBatchSize: 'DRGRADE_MAX_BATCH_SIZE',
      maxQueueDelayMs: 'DRGRADE_MAX_QUEUE_DELAY_MS',
      maxQueueSize: 'DRGRADE_MAX_QUEUE_SIZE',
      maxBodyBytes: 'DRGRADE_MAX_BODY_BYTES',
      port: 'PORT',
      clientId: 'AZURE_CLIENT_ID',
    });
  });

  it('reads defaults from an empty environment', () => {
    expect(readServerSettings({})).toEqual(defaultServerSettings);
  });

  it('reads every setting', () => {
    const settings = readServerSettings({
      DRGRADE_INFERENCE_KEY: ' k ',
      DRGRADE_MODEL_DIR: '/m',
      DRGRADE_MODEL_URL: 'https://a.blob.core.windows.net/models/drgrade',
      DRGRADE_MODEL_ACCOUNT_URL: 'https://a.blob.core.windows.net/',
      DRGRADE_EXECUTION_PROVIDER: 'cuda',
      DRGRADE_MAX_BATCH_SIZE: '32',
      DRGRADE_MAX_QUEUE_DELAY_MS: '5',
      DRGRADE_MAX_QUEUE_SIZE: '64',
      DRGRADE_MAX_BODY_BYTES: '1048576',
      PORT: '9000',
      AZURE_CLIENT_ID: 'id',
    });
    expect(settings).toEqual({
      inferenceKey: 'k',
      modelDir: '/m',
      modelUrl: 'https://a.blob.core.windows.net/models/drgrade',
      modelAccountUrl: 'https://a.blob.core.windows.net/',
      executionProvider: 'cuda',
      maxBatchSize: 32,
      maxQueueDelayMs: 5,
      maxQueueSize: 64,
      maxBodyBytes: 1048576,
      port: 9000,
      clientId: 'id',
    });
  });

  it('rejects invalid values naming the setting', () => {
    expect(() => readServerSettings({ DRGRADE_EXECUTION_PROVIDER: 'gpu' })).toThrow(/for DRGRADE_EXECUTION_PROVIDER but received "gpu"/);
    expect(() => readServerSettings({ DRGRADE_MAX_BATCH_SIZE: '0' })).toThrow(/for DRGRADE_MAX_BATCH_SIZE/);
    expect(() => readServerSettings({ PORT: '70000' })).toThrow(/for PORT/);
  });
});
