import type { z } from 'zod';
import { isManual, type Clock } from '../../core/clock.js';
import { clockRequest, clockResponse } from './admin-schemas.js';
import { reply, route, type Route } from './route.js';

/**
 * `POST /admin/clock {to}`: moves a virtual clock (DIALWISE_VIRTUAL_CLOCK)
 * forward (never back), firing the platform's timers that fall due on the way, so a
 * simulation in another process sets the pace. Absent on the wall clock.
 */
export function clockRoutes(clock: Clock): Route[] {
  if (!isManual(clock)) return [];
  return [
    route<z.infer<typeof clockRequest>>({
      method: 'POST',
      path: '/admin/clock',
      roles: ['admin'],
      body: clockRequest,
      doc: {
        tag: 'admin',
        summary: 'Move the virtual clock forward',
        description:
          'Only with DIALWISE_VIRTUAL_CLOCK: timers falling due on the way fire; an instant already passed leaves the clock where it is.',
        responses: { 200: { description: 'The clock now.', schema: clockResponse } },
      },
      handle({ body }) {
        // Only forward: an instant already passed leaves the clock where it is.
        clock.set(Date.parse(body.to));
        return reply<z.infer<typeof clockResponse>>({ now: new Date(clock.now()).toISOString() });
      },
    }),
  ];
}
