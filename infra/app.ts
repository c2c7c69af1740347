import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { KezhiStack, type StageSettings } from './KezhiStack.js';
import { applySuppressions } from './nagSuppressions.js';

/** Stage settings from context: `-c stage=prod -c webOrigins=https://app.example -c partners=hk,mo -c alarmEmail=ops@…`. */
export function settingsFrom(app: App): StageSettings {
  const list = (key: string, fallback: string[]) => {
    const value: unknown = app.node.tryGetContext(key);
    if (Array.isArray(value)) return value.map(String);
    return typeof value === 'string' && value ? value.split(',').map((s) => s.trim()) : fallback;
  };
  const alarmEmail: unknown = app.node.tryGetContext('alarmEmail');
  const authDomainPrefix: unknown = app.node.tryGetContext('authDomainPrefix');
  return {
    stage: String(app.node.tryGetContext('stage') ?? 'dev'),
    webOrigins: list('webOrigins', ['http://localhost:5173']),
    partners: list('partners', ['hk-expert-platform', 'mo-expert-platform']),
    ...(typeof alarmEmail === 'string' && alarmEmail && { alarmEmail }),
    ...(typeof authDomainPrefix === 'string' && authDomainPrefix && { authDomainPrefix }),
  };
}

/** Builds the app with cdk-nag's AwsSolutions checks applied (synth fails on an unsuppressed error). */
export function buildApp(app = new App()) {
  const settings = settingsFrom(app);
  const stack = new KezhiStack(app, `Kezhi-${settings.stage}`, settings);
  applySuppressions(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

if (process.argv[1]?.endsWith('app.ts')) buildApp().app.synth();
