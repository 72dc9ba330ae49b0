/** Who is calling, as established by a verified credential. */
export interface Principal {
  /** Token subject (`sub`), or "apikey:<key id>"; recorded as the uploader. */
  readonly subject: string;
  /** Canonical decimal customer id, or null when the credential names none. */
  readonly customerId: string | null;
  readonly scopes: ReadonlySet<string>;
  /** Corpora the credential may use; null = every corpus of the customer. */
  readonly corpusIds: ReadonlySet<string> | null;
  /**
   * The operator of this installation, acting through the CLI on the configured database (who can
   * open the database can do anything anyway). Never set by an authenticator.
   */
  readonly localOperator?: true;
}

/** What a request presented: `Authorization: Bearer …` and/or `x-api-key: …`. */
export interface Credentials {
  readonly bearer?: string | undefined;
  readonly apiKey?: string | undefined;
}

export interface Authenticator {
  /** Verifies the credential; throws AuthenticationError when it is missing or invalid. */
  authenticate(credentials: Credentials): Promise<Principal>;
}
