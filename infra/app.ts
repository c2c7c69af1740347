import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { KezhiStack, type StageSettings } from './KezhiStack.js';
import { applySuppressions } from './nagSuppressions.js';

/**
 * Stage settings from context: `-c stage=prod -c webOrigins=https://app.example -c partners=hk,mo -c alarmEmail=ops@…
 * -c authDomainPrefix=kezhi-prod-gd -c callbackUrls=https://app.example/auth -c sesFromEmail=no-reply@… -c sesRegion=…
 * -c smsRegion=… -c apiGatewayAccountRole=false` (docs/operations.md lists them all).
 */
export function settingsFrom(app: App): StageSettings {
  const list = (key: string, fallback: string[]) => {
    const value: unknown = app.node.tryGetContext(key);
    if (Array.isArray(value)) return value.map(String);
    return typeof value === 'string' && value ? value.split(',').map((s) => s.trim()) : fallback;
  };
  const text = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value ? value : undefined;
  };
  const optional = <K extends keyof StageSettings>(key: K, value: StageSettings[K] | undefined) => (value === undefined ? {} : { [key]: value });
  const callbackUrls = list('callbackUrls', []);
  const logoutUrls = list('logoutUrls', []);
  // From the command line a context value is a string: "false" turns the account role off.
  const accountRole: unknown = app.node.tryGetContext('apiGatewayAccountRole');
  return {
    stage: String(app.node.tryGetContext('stage') ?? 'dev'),
    webOrigins: list('webOrigins', ['http://localhost:5173']),
    // No partner unless asked for: a partner client needs the hosted domain (authDomainPrefix).
    partners: list('partners', []),
    ...optional('alarmEmail', text('alarmEmail')),
    ...optional('authDomainPrefix', text('authDomainPrefix')),
    ...optional('callbackUrls', callbackUrls.length > 0 ? callbackUrls : undefined),
    ...optional('logoutUrls', logoutUrls.length > 0 ? logoutUrls : undefined),
    ...optional('apiGatewayAccountRole', accountRole === false || accountRole === 'false' ? false : undefined),
    ...optional('sesFromEmail', text('sesFromEmail')),
    ...optional('sesRegion', text('sesRegion')),
    ...optional('smsRegion', text('smsRegion')),
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
