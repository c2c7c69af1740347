import { Validations, type Stack } from 'aws-cdk-lib';

/**
 * cdk-nag AwsSolutions findings this stack accepts, each with its reason. Findings are acknowledged by
 * their exact id (with the finding in brackets), so a new wildcard or a new rule still fails synth.
 */
export const ACKNOWLEDGEMENTS: Array<{ id: string; reason: string }> = [
  {
    id: 'AwsSolutions-APIG4',
    reason:
      'Anonymous callers may read public data (regions, organization names): the GraphQL function verifies Cognito JWTs itself and its policy module decides every field; WebSocket clients authenticate in graphql-ws connection_init, checked by the subscription function.',
  },
  {
    id: 'AwsSolutions-COG2',
    reason:
      'MFA is optional (SMS or TOTP): volunteers sign up from phones in villages; admins are required to enrol MFA by the association’s operating procedure.',
  },
  {
    id: 'AwsSolutions-COG8',
    reason: 'The Essentials feature plan is used; the Plus plan (threat protection) is billed per active user and is an ops decision per stage.',
  },
  {
    id: 'AwsSolutions-SMG4',
    reason:
      'The cursor HMAC key only signs pagination cursors. Secrets Manager generates it once (a redeploy keeps it); the functions read it at cold start. Rotating it only invalidates open cursors, so it is rotated by hand when needed (docs/operations.md: put-secret-value, then new cold starts), without a rotation function.',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The basic execution role only allows writing the function’s own logs.',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason: 'API Gateway’s account CloudWatch role uses the AWS-managed policy made for it (log groups and streams API Gateway writes to).',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray PutTraceSegments/PutTelemetryRecords and Cognito’s SMS sns:Publish do not support resource-level permissions.',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::<DataTableFDBAD0F2.Arn>/index/*]',
    reason: 'The functions query the table’s global secondary indexes (GSI1); the grant is limited to this table’s indexes.',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<WebSocketApi34BCF99B>/live/*/@connections/*]',
    reason: 'Connection ids are created at run time; the grant is limited to this API’s stage connections.',
  },
  {
    id: 'AwsSolutions-L1',
    reason: 'nodejs22.x is pinned on purpose (bundling and the pinned AWS SDK are tested on it); runtime upgrades are deliberate changes.',
  },
  { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the on-failure destination (DLQ) of the stream function.' },
];

/** Acknowledges the accepted findings on the stack. */
export function applySuppressions(stack: Stack): void {
  for (const a of ACKNOWLEDGEMENTS) Validations.of(stack).acknowledge(a);
}
