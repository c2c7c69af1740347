import { RemovalPolicy } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * API Gateway's account-level CloudWatch role (`AWS::ApiGateway::Account`): REST and WebSocket stages can only
 * write access logs once the account and region have one, and stage creation fails without it.
 *
 * There is ONE such setting per account and region, shared by every API there: a second stack that also sets it
 * overwrites the first one's role. Deploy it from one stack per account and region; where another stack or the
 * console already set it, turn it off with the context `-c apiGatewayAccountRole=false` (docs/operations.md).
 * The role is retained when the stack is deleted, so other APIs of the account keep logging.
 */
export class ApiGatewayAccount extends Construct {
  /** The account setting: stages that log depend on it, so they are created after it. */
  readonly account: CfnAccount;
  /** The role API Gateway assumes to write logs. */
  readonly role: Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new Role(this, 'CloudWatchRole', {
      description: 'API Gateway (account and region setting): writes REST and WebSocket access and execution logs',
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      // The AWS-managed policy made for exactly this role (logs:CreateLogGroup, CreateLogStream, PutLogEvents, …).
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.account = new CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
  }
}
