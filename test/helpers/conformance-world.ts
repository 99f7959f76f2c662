/**
 * The conformance world as test data: a small e-commerce world with planted truths (carrier Heron
 * flagged in its weeks before corrective action A1, SKU GLOW-1 a flagged listing, SLA cases across
 * nights and weekends, hostile text). Read from the vendored snapshot in test/fixtures/conformance, so
 * these tests run wherever the repository is cloned.
 */
export interface PlantedWorld {
  meta: { asOf: string; flaggedSku: string; reportWeek: string; weeks: string[]; slaWeek: string };
}

export interface PlantedModule {
  generate(inboxDir: string): PlantedWorld;
  PUBLIC: { carriers: { fixed: string; steady: string; small: string } };
  XSS_TEXT: string;
}

export async function importPlantedModule(): Promise<PlantedModule> {
  return (await import(new URL('../fixtures/conformance/planted.mjs', import.meta.url).href)) as PlantedModule;
}

export async function generateConformanceWorld(inboxDir: string): Promise<PlantedWorld> {
  return (await importPlantedModule()).generate(inboxDir);
}
