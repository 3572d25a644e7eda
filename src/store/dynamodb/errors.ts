/** Recognizing the DynamoDB errors Baton turns into its own. */

/** A condition on a write did not hold. The SDK never retries it; callers map it to a typed error. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** How many HTTP attempts the SDK made for the failed call (more than one means an earlier one may have landed). */
export function attemptsOf(error: unknown): number {
  if (typeof error === 'object' && error !== null && '$metadata' in error) {
    const metadata = (error as { $metadata?: { attempts?: number } }).$metadata;
    return metadata?.attempts ?? 1;
  }
  return 1;
}
