import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { KezhiTable } from './constructs/KezhiTable.js';

/** The Kezhi stack. Today: the table; the APIs, functions, identity and alarms join it (issue "Deploy on AWS with CDK"). */
export class KezhiStack extends Stack {
  readonly data: KezhiTable;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.data = new KezhiTable(this, 'Data');
  }
}
