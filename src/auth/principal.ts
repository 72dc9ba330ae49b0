/** Who is calling, as established by a verified credential. */
export interface Principal {
  /** Token subject (`sub`), recorded as the uploader. */
  readonly subject: string;
  /** Canonical decimal customer id, or null when the credential names none. */
  readonly customerId: string | null;
  readonly scopes: ReadonlySet<string>;
  /** Corpora the credential may write; null = every corpus of the customer. */
  readonly corpusIds: ReadonlySet<string> | null;
}

export interface Authenticator {
  /** Verifies the bearer credential; throws AuthenticationError when it is missing or invalid. */
  authenticate(bearer: string | undefined): Promise<Principal>;
}
