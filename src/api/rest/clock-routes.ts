import { z } from 'zod';
import { isManual, type Clock } from '../../core/clock.js';
import { route, type Route } from './route.js';

const clockRequest = z.strictObject({ to: z.iso.datetime({ offset: true }) });

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
      handle({ body }) {
        // Only forward: an instant already passed leaves the clock where it is.
        clock.set(Date.parse(body.to));
        return Response.json({ now: new Date(clock.now()).toISOString() });
      },
    }),
  ];
}
