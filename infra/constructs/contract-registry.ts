import { Stack } from 'aws-cdk-lib';
import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import type { ContractCatalog } from '../../shared/domain/events/contract-catalog.ts';
import { registrySchema, registrySchemaName } from '../../shared/domain/events/registry-schema.ts';

export interface ContractRegistryProps {
  /** Every contract the deployment knows: its recipe set's and Herald's own. */
  readonly contracts: ContractCatalog;
}

/**
 * An EventBridge Schema Registry holding every event contract of the deployment, one schema per
 * event (`market.items@ItemListed`), so publishing teams download code bindings with the tools
 * they know (`aws schemas get-code-binding-source`, the IDE toolkits). Each schema is the whole
 * event in JSON Schema draft 4, the registry's format (shared/domain/events/registry-schema.ts).
 */
export class ContractRegistry extends Construct {
  readonly registryName: string;

  constructor(scope: Construct, id: string, props: ContractRegistryProps) {
    super(scope, id);
    const registry = new CfnRegistry(this, 'Registry', {
      registryName: `${Stack.of(this).stackName}-contracts`,
      description: 'Herald event contracts: what publishers may put on the bus',
    });
    this.registryName = registry.attrRegistryName;
    for (const contract of props.contracts.contracts) {
      const name = registrySchemaName(contract);
      new CfnSchema(this, `Schema-${name}`, {
        registryName: registry.attrRegistryName,
        schemaName: name,
        type: 'JSONSchemaDraft4',
        content: JSON.stringify(registrySchema(contract)),
        description: `${contract.detailType} events of ${contract.source}`,
      });
    }
  }
}
