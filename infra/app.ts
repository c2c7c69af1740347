import { App } from 'aws-cdk-lib';
import { KezhiStack } from './KezhiStack.js';

/** CDK entry point (`npx cdk synth`): no account or region lookups, so it synthesizes offline. */
const app = new App();
new KezhiStack(app, 'Kezhi');
app.synth();
