/**
 * The dated price table the cost estimate uses: public on-demand list prices in USD, without free tier,
 * taxes or discounts, as published on the date below. No network call: update the table (and the date)
 * when prices move. Regions outside the table get no figure.
 */
export const PRICES_DATE = '2026-12-01';
export const HOURS_PER_MONTH = 730;

export interface RegionPrices {
  /** EC2 Linux on-demand, USD per hour. */
  ec2Hourly: Record<string, number>;
  /** EBS gp3 storage, USD per GB-month (the baseline 3 000 IOPS and 125 MB/s are included). */
  gp3GbMonth: number;
  /** A public IPv4 address, USD per hour (charged since February 2024). */
  publicIpv4Hourly: number;
  /** Secrets Manager, USD per secret-month (API calls: $0.05 per 10 000, negligible here). */
  secretMonth: number;
  /** DynamoDB on-demand, USD per million write request units. */
  dynamoWriteMillion: number;
  /** DynamoDB Standard table class storage, USD per GB-month. */
  dynamoStorageGbMonth: number;
}

const US_T3 = { 't3.micro': 0.0104, 't3.small': 0.0208, 't3.medium': 0.0416, 't3.large': 0.0832 };

export const PRICES: Record<string, RegionPrices> = {
  'us-east-1': {
    ec2Hourly: US_T3,
    gp3GbMonth: 0.08,
    publicIpv4Hourly: 0.005,
    secretMonth: 0.4,
    dynamoWriteMillion: 0.625,
    dynamoStorageGbMonth: 0.25,
  },
  'us-east-2': {
    ec2Hourly: US_T3,
    gp3GbMonth: 0.08,
    publicIpv4Hourly: 0.005,
    secretMonth: 0.4,
    dynamoWriteMillion: 0.625,
    dynamoStorageGbMonth: 0.25,
  },
  'us-west-2': {
    ec2Hourly: US_T3,
    gp3GbMonth: 0.08,
    publicIpv4Hourly: 0.005,
    secretMonth: 0.4,
    dynamoWriteMillion: 0.625,
    dynamoStorageGbMonth: 0.25,
  },
  'eu-west-1': {
    ec2Hourly: { 't3.micro': 0.0114, 't3.small': 0.0228, 't3.medium': 0.0456, 't3.large': 0.0912 },
    gp3GbMonth: 0.088,
    publicIpv4Hourly: 0.005,
    secretMonth: 0.4,
    dynamoWriteMillion: 0.705,
    dynamoStorageGbMonth: 0.283,
  },
};
