/**
 * The documentation view of the config table (variables.ts): name, description and default of
 * every variable, in table order. scripts/env-example.ts writes .env.example from it and
 * test/docs.test.ts checks the README against it.
 */
import { CONFIG_VARIABLES } from './variables.js';

export interface VariableSpec {
  readonly name: string;
  readonly description: string;
  /** Default as written in .env.example; undefined = unset. */
  readonly default?: string;
}

export const VARIABLES: readonly VariableSpec[] = Object.freeze(
  CONFIG_VARIABLES.map((v): VariableSpec => Object.freeze({ name: v.name, description: v.description, default: v.default })),
);
