import type { TableKind } from '../../store/table-definitions.js';
import type { IngressRule } from './stack-spec.js';

/** What exists on AWS for one stack, as read by `observe.ts`; the plan's second input. Plain data. */
export interface ObservedStack {
  /** False when there were no credentials: the plan is then for an empty account, and says so. */
  readable: boolean;
  tables: ObservedTable[];
  secret?: ObservedSecret;
  role?: ObservedRole;
  instanceProfile?: ObservedInstanceProfile;
  keyPair?: { name: string; id?: string; tags: Record<string, string> };
  /** Whether `.citystream/stacks/<name>.pem` is on this machine. */
  localKey: boolean;
  securityGroup?: ObservedSecurityGroup;
  /** The stack's instance, if one is pending, running, stopping or stopped (terminated ones do not count). */
  instance?: ObservedInstance;
  /** The default VPC, where the security group and instance go. */
  vpcId?: string;
  /** The current Amazon Linux 2023 AMI, from the public SSM parameter. */
  imageId?: string;
}

export interface ObservedTable {
  kind: TableKind;
  name: string;
  arn?: string;
  status: string;
  tags: Record<string, string>;
  ttlEnabled?: boolean;
}

export interface ObservedSecret {
  name: string;
  arn: string;
  tags: Record<string, string>;
  /** Set when the secret is scheduled for deletion. */
  deletedDate?: Date;
}

export interface ObservedRole {
  name: string;
  arn: string;
  tags: Record<string, string>;
  /** Inline policies by name, each as a parsed document. */
  inlinePolicies: Record<string, unknown>;
  /** Managed policies attached to the role (none should be). */
  attachedPolicies: string[];
}

export interface ObservedInstanceProfile {
  name: string;
  arn: string;
  tags: Record<string, string>;
  roles: string[];
}

export interface ObservedSecurityGroup {
  id: string;
  name: string;
  vpcId?: string;
  tags: Record<string, string>;
  ingress: IngressRule[];
  /** Ingress that is not a plain TCP rule from an IPv4 range (other protocols, IPv6, group references). */
  otherIngress: string[];
  /** Those rules as EC2 returned them, to revoke them as they are. */
  otherPermissions?: unknown[];
}

export interface ObservedInstance {
  id: string;
  state: string;
  type: string;
  tags: Record<string, string>;
  publicIp?: string;
  httpTokens?: string;
  hopLimit?: number;
  securityGroupIds: string[];
  instanceProfileArn?: string;
  keyName?: string;
}

export function emptyObservation(localKey = false): ObservedStack {
  return { readable: false, tables: [], localKey };
}
