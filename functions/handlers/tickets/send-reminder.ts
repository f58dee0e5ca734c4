import { json } from '../../http/responses.js';
import { reminderParams } from '../../http/schemas.js';
import { recipientView } from '../../http/views.js';
import { technicianActor } from '../../services/actors.js';
import { sendReminder } from '../../services/approvals.js';
import { route } from '../http-route.js';
import * as routes from '../routes.js';

export const handler = route(routes.sendReminder, { params: reminderParams() }, async ({ params, caller }) => {
  const request = await sendReminder(params.ticketId, params.approverId, technicianActor(caller));
  const recipient = request.recipients.find((r) => r.approverId === params.approverId)!;
  return json(202, { requestId: request.id, recipient: recipientView(recipient) });
});
