import type { Resolvers } from '../generated/graphql.js';
import type { NeedMatchRecord } from '../repositories/needs.js';
import { AppError, ErrorCode } from '../errors.js';

/** The root value a subscription document is executed against for one event (realtime/subscriptions.ts publishes it). */
export interface MatchingNeedPostedEvent {
  matchingNeedPosted: NeedMatchRecord;
}

const overWebSocketOnly = (): never => {
  throw new AppError(ErrorCode.BAD_USER_INPUT, 'Subscriptions are served over WebSocket (graphql-transport-ws) on /graphql');
};

/**
 * Resolvers of subscription.graphql. graphql-js's `subscribe` is not used: the WebSocket path stores each
 * subscription and the table stream executes its document once per event with the event as the root
 * value, so `resolve` reads the event; without one (the document sent over HTTP) the field is refused.
 */
export const subscriptionResolvers: Resolvers = {
  Subscription: {
    matchingNeedPosted: {
      subscribe: overWebSocketOnly,
      resolve: (event: Partial<MatchingNeedPostedEvent> | undefined) => event?.matchingNeedPosted ?? overWebSocketOnly(),
    },
  },
};
