import { App } from 'aws-cdk-lib';
import { defineHerald } from './herald-app.ts';

/** The CDK app `cdk synth` and `cdk deploy` run (cdk.json); context values: README, Deploying. */
const app = new App();
defineHerald(app);
