import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';

/** Resolvers of webhook.graphql: a partner platform's webhooks, their secrets (shown once) and deliveries. */
export const webhookResolvers: Resolvers = {
  Query: {
    webhooks: async (_p, { first, after }, ctx) => toConnection(await ctx.services.webhooks.list({ first, after })),
    webhookDeliveries: async (_p, { webhookId, first, after }, ctx) => toConnection(await ctx.services.webhooks.deliveries(webhookId, { first, after })),
  },
  Mutation: {
    registerWebhook: (_p, { input }, ctx) => ctx.services.webhooks.register(input),
    rotateWebhookSecret: (_p, { input }, ctx) => ctx.services.webhooks.rotateSecret(input),
    deleteWebhook: async (_p, { input }, ctx) => ({ deletedWebhookId: await ctx.services.webhooks.delete(input) }),
  },
  WebhookDelivery: {
    payload: (d) => d.body,
  },
};
