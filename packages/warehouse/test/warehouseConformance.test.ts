import { createBigQueryWarehouse } from '../src/bigQueryWarehouse.ts';
import { createDuckDbWarehouse } from '../src/duckdbWarehouse.ts';
import { startFakeBigQuery } from './fakeBigQueryServer.ts';
import { describeWarehouseConformance } from './warehouseConformance.ts';

describeWarehouseConformance('DuckDB', async () => {
  const warehouse = await createDuckDbWarehouse({ path: ':memory:' });
  return { warehouse, close: () => warehouse.close() };
});

describeWarehouseConformance('BigQuery (REST fake)', async () => {
  const fake = await startFakeBigQuery();
  const staticToken = { getRequestHeaders: async () => new Headers({ authorization: 'Bearer test-token' }) };
  const warehouse = createBigQueryWarehouse({
    projectId: 'conformance',
    datasetId: 'aether',
    location: 'US',
    clientOptions: { apiEndpoint: fake.url, authClient: staticToken as never },
  });
  return {
    warehouse,
    close: async () => {
      await warehouse.close();
      await fake.close();
    },
  };
});
