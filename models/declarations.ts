/**
 * Every SQL model, declared: its layer (and so its file, `sql/<layer>/<name>.sql`), the tables it reads
 * by name (the runner orders models by these; a model never imports another), its grain, and the
 * invariants checked after it is built. A violated invariant blocks the publish of the run.
 */

import type { ModelDeclaration } from '../pipelines/core/model-runner.ts';

const staging = (entity: string, key: readonly string[]): ModelDeclaration => ({
  name: `stg_${entity}`,
  layer: 'staging',
  inputs: [`raw_${entity}`],
  grain: `one row per ${entity} key, latest version`,
  materialized: 'view',
  key,
});

/**
 * The carrier day tables are rebuilt by delivery date: the dates whose shipments, damage complaints or
 * order categories changed. Their query of changed dates reads the rows fct_complaints and
 * int_order_categories replaced this run, so both come before each of them (fct_complaints through
 * int_shipment_damage), and a whole build of either builds them whole.
 */
const DELIVERY_DAYS = {
  key: 'delivery_date',
  keyType: 'date',
  changedKeys: 'run_changed_delivery_days',
  changes: 'delivery_days',
  replacedColumns: [],
} as const;
const DELIVERY_DAY_INPUTS = ['run_changed_delivery_days', 'int_order_categories'];

export const MODELS: readonly ModelDeclaration[] = [
  staging('orders', ['order_id']),
  staging('order_items', ['order_id', 'line_no']),
  staging('shipments', ['shipment_id']),
  staging('products', ['sku']),
  staging('complaints', ['complaint_id']),
  staging('corrective_actions', ['action_id']),
  {
    name: 'int_business_calendar',
    layer: 'intermediate',
    inputs: ['cfg_calendar_exceptions', 'stg_complaints'],
    grain: 'one row per local date from 2000 (or the earliest opened_at) through 2100 (or as_of)',
    materialized: 'temp table',
    key: ['local_date'],
  },
  {
    name: 'int_complaints_to_build',
    layer: 'intermediate',
    inputs: ['stg_complaints', 'run_changed_complaints', 'run_reclocked_complaints'],
    grain: 'one row per complaint whose fct_complaints row this run builds (all opened up to as_of, or the changed ones)',
    // A filter over staging, read once by each model of the complaint chain.
    materialized: 'temp view',
    key: ['complaint_id'],
  },
  {
    name: 'int_complaint_cause_sets',
    layer: 'intermediate',
    inputs: ['stg_complaints', 'cfg_cause_rules', 'run_changed_complaint_records'],
    grain: 'one row per complaint',
    // Kept in the file and rebuilt for the complaints whose record changed (sql/changes/complaint_records.sql):
    // fct_complaints also rebuilds the complaints re-clocked for their wait, whose causes stay.
    materialized: 'table',
    key: ['complaint_id'],
    incremental: { key: 'complaint_id', changedKeys: 'run_changed_complaint_records', changes: 'complaint_records', replacedColumns: [] },
  },
  {
    name: 'int_complaint_attribution',
    layer: 'intermediate',
    inputs: ['stg_complaints', 'stg_order_items', 'stg_shipments', 'stg_products', 'stg_orders', 'run_changed_complaint_inputs'],
    grain: 'one row per complaint',
    // Kept in the file and rebuilt for the complaints whose record, order, items, shipments or
    // products changed (sql/changes/complaint_inputs.sql), not for those re-clocked for their wait.
    materialized: 'table',
    joinsAsWritten: true,
    key: ['complaint_id'],
    incremental: { key: 'complaint_id', changedKeys: 'run_changed_complaint_inputs', changes: 'complaint_inputs', replacedColumns: [] },
  },
  {
    name: 'int_complaint_sla',
    layer: 'intermediate',
    inputs: ['int_complaints_to_build', 'int_business_calendar', 'cfg_sla_targets'],
    grain: 'one row per complaint of int_complaints_to_build',
    materialized: 'temp table',
    key: ['complaint_id'],
  },
  {
    name: 'fct_complaints',
    layer: 'marts',
    // run_changed_complaint_inputs and _records: read by its change query, so the planner decides
    // the two models above before it
    inputs: [
      'int_complaints_to_build',
      'int_complaint_cause_sets',
      'int_complaint_attribution',
      'int_complaint_sla',
      'cfg_cause_parties',
      'run_changed_complaint_inputs',
      'run_changed_complaint_records',
    ],
    grain: 'one row per complaint opened up to as_of',
    materialized: 'table',
    key: ['complaint_id'],
    // Rebuilt only for the complaints that changed (sql/changes/fct_complaints.sql) when
    // pipelines/run/incremental-plan.ts finds that enough: ~10 s of a whole build at benchmark scale L.
    // sql/changes/delivery_days.sql reads the transit damage attribution of the replaced rows
    // and mart_sla_weekly's (sql/changes/opened_weeks.sql) the week each was opened in
    incremental: {
      key: 'complaint_id',
      changedKeys: 'run_changed_complaints',
      replacedColumns: ['complaint_id', 'shipment_id', 'causes', 'week'],
      // the complaints still waiting, or answered, resolved or followed up since the last as_of
      reclocked: { changedKeys: 'run_reclocked_complaints', changes: 'reclocked_complaints' },
    },
    exported: true,
    // what mart_action_effectiveness needs of a complaint's order and shipment (int_complaint_attribution)
    internalColumns: ['shipment_delivered_at', 'order_placed_at', 'sku_in_order', 'category_in_order', 'order_merchants'],
  },
  {
    name: 'int_shipment_damage',
    layer: 'intermediate',
    inputs: ['stg_shipments', 'fct_complaints'],
    grain: 'one row per shipment delivered up to as_of',
    // Five marts each scan all of it. As a temp table (made inside the run's transaction, so scanned on
    // one thread) the models took 16.8–17.0 s at benchmark scale L on a built database; as a view each
    // mart recomputes it from staging in parallel: 13.4–13.8 s. Its key holds by construction:
    // stg_shipments has one row per shipment_id and is left-joined to a distinct set of shipment_ids.
    materialized: 'temp view',
    key: ['shipment_id'],
  },
  {
    name: 'int_carrier_lane_days',
    layer: 'intermediate',
    inputs: ['int_shipment_damage', ...DELIVERY_DAY_INPUTS],
    grain: 'one row per local date of delivered_at, carrier, origin_region and dest_region',
    // Kept in the file and rebuilt for the changed dates: the three weekly marts below add its rows
    // up, instead of re-counting the week in progress (650 k shipments at scale L) each day.
    materialized: 'table',
    incremental: DELIVERY_DAYS,
    key: ['delivery_date', 'carrier', 'origin_region', 'dest_region'],
    partsOfWholes: [
      ['damaged_shipments', 'delivered_shipments'],
      ['on_time_shipments', 'delivered_shipments'],
      ['late_shipments', 'delivered_shipments'],
    ],
  },
  {
    name: 'int_carrier_category_days',
    layer: 'intermediate',
    inputs: ['int_shipment_damage', ...DELIVERY_DAY_INPUTS],
    grain: "one row per local date of delivered_at, carrier and category of the shipment's order",
    materialized: 'table',
    joinsAsWritten: true,
    incremental: DELIVERY_DAYS,
    key: ['delivery_date', 'carrier', 'category'],
    partsOfWholes: [['damaged_shipments', 'delivered_shipments']],
  },
  {
    name: 'mart_carrier_weekly',
    layer: 'marts',
    inputs: ['int_carrier_lane_days'],
    grain: 'one row per carrier and local ISO week of delivered_at',
    materialized: 'table',
    key: ['carrier', 'week'],
    rates: ['on_time_rate'],
    partsOfWholes: [
      ['damaged_shipments', 'delivered_shipments'],
      ['on_time_shipments', 'delivered_shipments'],
    ],
    exported: true,
  },
  {
    name: 'int_listing_window_skus',
    layer: 'intermediate',
    inputs: ['stg_orders', 'stg_order_items', 'run_changed_listing_orders'],
    grain: 'one row per order placed in the listing window (as_of − window, as_of] and SKU it holds',
    // Kept in the file and rebuilt for the orders that changed or entered or left the window
    // (sql/changes/int_listing_window_skus.sql): 1.1–1.8 s of mart_listing_flags at scale L.
    materialized: 'table',
    key: ['order_id', 'sku'],
    incremental: { key: 'order_id', changedKeys: 'run_changed_listing_orders', replacedColumns: [] },
  },
  {
    name: 'mart_listing_flags',
    layer: 'marts',
    inputs: ['int_listing_window_skus', 'stg_products', 'fct_complaints', 'stg_complaints'],
    grain: 'one row per SKU with orders in the listing window (as_of − window, as_of]',
    materialized: 'table',
    key: ['sku'],
    rates: ['nad_rate', 'category_rate', 'p_value', 'q_value'],
    partsOfWholes: [['nad_orders', 'orders']],
    exported: true,
  },
  {
    name: 'mart_sla_weekly',
    layer: 'marts',
    inputs: ['fct_complaints', 'run_changed_opened_weeks', 'run_reclocked_complaints'],
    grain: 'one row per local ISO week of opened_at, channel and severity',
    materialized: 'table',
    // Rebuilt for the weeks of the complaints fct_complaints rebuilt or re-clocked (sql/changes/opened_weeks.sql):
    // its quantiles over the million complaints cost 0.25 CPU-s a day at benchmark scale L.
    incremental: { key: 'week', keyType: 'date', changedKeys: 'run_changed_opened_weeks', changes: 'opened_weeks', replacedColumns: [] },
    key: ['week', 'channel', 'severity'],
    rates: ['breach_rate', 'escalation_rate', 'reopen_rate', 'followup_rate'],
    partsOfWholes: [
      ['responded', 'complaints'],
      ['breached', 'complaints'],
      ['awaiting_within_target', 'complaints'],
    ],
    exported: true,
  },
  {
    name: 'mart_cause_weekly',
    layer: 'marts',
    inputs: ['fct_complaints', 'cfg_cause_parties'],
    grain: 'one row per local ISO week of opened_at and cause_code',
    materialized: 'table',
    key: ['week', 'cause_code'],
    rates: ['share', 'cumulative_share'],
    exported: true,
  },
  {
    name: 'int_action_periods',
    layer: 'intermediate',
    inputs: ['stg_corrective_actions'],
    grain: 'one row per corrective action',
    materialized: 'temp table',
    key: ['action_id'],
  },
  {
    name: 'int_action_exposure_days',
    layer: 'intermediate',
    inputs: ['int_action_periods', 'stg_orders', 'stg_order_items', 'stg_products', 'stg_shipments', 'int_order_categories', 'run_changed_action_days'],
    grain: 'one row per corrective action and local date of exposures in its before or after period',
    // Kept in the file and rebuilt for the dates whose exposures changed (orders placed, shipments
    // delivered, items or products of the orders of that date loaded since, or as_of moved past it;
    // sql/changes/int_action_exposure_days.sql): counting them all cost ~1.3 s of every run at scale L.
    materialized: 'table',
    joinsAsWritten: true,
    key: ['action_id', 'day'],
    incremental: { key: 'day', keyType: 'date', changedKeys: 'run_changed_action_days', replacedColumns: [] },
  },
  {
    name: 'mart_action_effectiveness',
    layer: 'marts',
    inputs: ['stg_corrective_actions', 'int_action_periods', 'int_action_exposure_days', 'fct_complaints'],
    grain: 'one row per corrective action',
    materialized: 'table',
    joinsAsWritten: true,
    key: ['action_id'],
    rates: ['before_rate', 'after_rate', 'p_value'],
    partsOfWholes: [
      ['before_events', 'before_exposures'],
      ['after_events', 'after_exposures'],
    ],
    exported: true,
  },
  // Dashboard marts: what the pages show beyond the contract marts, built once per run so a render reads
  // small tables instead of scanning orders and shipments (not exported: CONTRACT §5 lists the exports).
  {
    name: 'mart_orders_weekly',
    layer: 'marts',
    inputs: ['stg_orders', 'run_changed_order_weeks'],
    grain: 'one row per local ISO week of ordered_at, orders placed up to as_of',
    materialized: 'table',
    incremental: { key: 'week', keyType: 'date', changedKeys: 'run_changed_order_weeks', changes: 'order_weeks', replacedColumns: [] },
    key: ['week'],
    exported: true,
  },
  {
    name: 'mart_carrier_lane_weekly',
    layer: 'marts',
    inputs: ['int_carrier_lane_days'],
    grain: 'one row per carrier, local ISO week of delivered_at, origin_region and dest_region',
    materialized: 'table',
    key: ['carrier', 'week', 'origin_region', 'dest_region'],
    partsOfWholes: [['damaged_shipments', 'delivered_shipments']],
    exported: true,
  },
  {
    name: 'int_order_categories',
    layer: 'intermediate',
    inputs: ['stg_order_items', 'stg_products', 'stg_orders', 'run_changed_orders'],
    grain: 'one row per order with items',
    // Kept in the file, unlike most intermediates, so that a run rebuilds only the orders whose record,
    // items or products changed (sql/changes/int_order_categories.sql): ~6.5 s whole at scale L.
    materialized: 'table',
    key: ['order_id'],
    incremental: { key: 'order_id', changedKeys: 'run_changed_orders' },
  },
  {
    name: 'mart_carrier_category_weekly',
    layer: 'marts',
    inputs: ['int_carrier_category_days'],
    grain: "one row per carrier, local ISO week of delivered_at and category of the shipment's order",
    materialized: 'table',
    key: ['carrier', 'week', 'category'],
    partsOfWholes: [['damaged_shipments', 'delivered_shipments']],
    exported: true,
  },
  {
    name: 'mart_carrier_delay_weekly',
    layer: 'marts',
    inputs: ['int_carrier_lane_days'],
    grain: 'one row per carrier, local ISO week of delivered_at and delay bin of the late shipments',
    materialized: 'table',
    key: ['carrier', 'week', 'delay_bin'],
    exported: true,
  },
];

export const EXPORTED_MARTS = MODELS.filter((m) => m.exported).map((m) => m.name);

export const EXPORTED_MARTS_DECLARATIONS = MODELS.filter((m) => m.exported);
