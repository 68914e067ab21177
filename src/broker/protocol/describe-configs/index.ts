import type { ApiDefinition } from '../api-definition.js';
import { v0 } from './v0.js';
import { v1 } from './v1.js';
import { v2 } from './v2.js';
import { v3 } from './v3.js';

/* DescribeConfigs: v0-v3 are served; v4 is flexible. */
export interface DescribeConfigsResource {
  /** ConfigResource.Type: 2 topic, 4 broker, 8 broker logger. */
  resourceType: number;
  resourceName: string;
  /** null or empty: every config of the resource. */
  configurationKeys: string[] | null;
}

export interface DescribeConfigsRequest {
  resources: DescribeConfigsResource[];
  /** v1+; false before. */
  includeSynonyms: boolean;
  /** v3+; false before. */
  includeDocumentation: boolean;
}

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** ConfigSource; v0 reports only whether it is DEFAULT_CONFIG. */
  source: number;
  isSensitive: boolean;
  /** v1+, and only when the request asked for them. */
  synonyms: ConfigSynonym[];
  /** v3+: ConfigType. */
  configType: number;
  /** v3+, and only when the request asked for it. */
  documentation: string | null;
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribedConfig[];
}

export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResult[];
}

export const ResourceType = { topic: 2, broker: 4, brokerLogger: 8 } as const;

/** Kafka's ConfigSource ids. */
export const ConfigSource = {
  dynamicTopic: 1,
  dynamicBroker: 2,
  dynamicDefaultBroker: 3,
  staticBroker: 4,
  default: 5,
} as const;

/** Kafka's ConfigType ids (DescribeConfigs v3+). */
export const ConfigType = { boolean: 1, string: 2, int: 3, short: 4, long: 5, list: 7 } as const;

export const describeConfigsApi: ApiDefinition<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: 32,
  name: 'DescribeConfigs',
  versions: { 0: v0, 1: v1, 2: v2, 3: v3 },
};
