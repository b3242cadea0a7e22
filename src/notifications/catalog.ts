/**
 * Triggers and templates available by name without being defined in argocd-notifications-cm:
 * Argo CD's catalog triggers (same names, conditions and oncePer as its notifications catalog)
 * and Spokes' ApplicationSet triggers. A `trigger.<name>` or `template.<name>` in the ConfigMap
 * replaces the built-in one of the same name.
 */
import type { Condition } from './triggers.ts';

const ONCE_PER_REVISION = 'app.status.operationState?.syncResult?.revision';
const HAS_OPERATION = 'app.status.operationState != nil and app.status.operationState.phase in';

export const CATALOG_TRIGGERS: Readonly<Record<string, readonly Condition[]>> = {
  'on-created': [
    {
      description: 'Application is created.',
      oncePer: 'app.metadata.name',
      send: ['app-created'],
      when: 'true',
    },
  ],
  'on-deleted': [
    {
      description: 'Application is deleted.',
      oncePer: 'app.metadata.name',
      send: ['app-deleted'],
      when: 'app.metadata.deletionTimestamp != nil',
    },
  ],
  'on-deployed': [
    {
      description: 'Application is synced and healthy. Triggered once per commit.',
      oncePer: ONCE_PER_REVISION,
      send: ['app-deployed'],
      when:
        `${HAS_OPERATION} ['Succeeded'] and app.status.health.status == 'Healthy' and ` +
        '!time.Parse(app.status.health.lastTransitionTime).Before(time.Parse(app.status.operationState.finishedAt))',
    },
  ],
  'on-health-degraded': [
    {
      description: 'Application has degraded',
      oncePer: ONCE_PER_REVISION,
      send: ['app-health-degraded'],
      when: "app.status.health.status == 'Degraded'",
    },
  ],
  'on-sync-failed': [
    {
      description: 'Application syncing has failed',
      oncePer: ONCE_PER_REVISION,
      send: ['app-sync-failed'],
      when: `${HAS_OPERATION} ['Error', 'Failed']`,
    },
  ],
  'on-sync-running': [
    {
      description: 'Application is being synced',
      oncePer: ONCE_PER_REVISION,
      send: ['app-sync-running'],
      when: `${HAS_OPERATION} ['Running']`,
    },
  ],
  'on-sync-status-unknown': [
    {
      description: "Application status is 'Unknown'",
      oncePer: ONCE_PER_REVISION,
      send: ['app-sync-status-unknown'],
      when: "app.status.sync.status == 'Unknown'",
    },
  ],
  'on-sync-succeeded': [
    {
      description: 'Application syncing has succeeded',
      oncePer: ONCE_PER_REVISION,
      send: ['app-sync-succeeded'],
      when: `${HAS_OPERATION} ['Succeeded']`,
    },
  ],
  // ApplicationSets (Spokes): the ErrorOccurred condition raised, and cleared after a raise.
  'on-appset-error': [
    {
      description: 'ApplicationSet reports an error (ErrorOccurred is True). Once per error.',
      oncePer: "find(appset.status?.conditions ?? [], .type == 'ErrorOccurred').lastTransitionTime",
      send: ['appset-error'],
      when: "any(appset.status?.conditions ?? [], .type == 'ErrorOccurred' and .status == 'True')",
    },
  ],
  'on-appset-error-cleared': [
    {
      description:
        'ApplicationSet error cleared (ErrorOccurred turned False after on-appset-error was sent).',
      oncePer: "find(appset.status?.conditions ?? [], .type == 'ErrorOccurred').lastTransitionTime",
      send: ['appset-error-cleared'],
      when: "notified('on-appset-error') and any(appset.status?.conditions ?? [], .type == 'ErrorOccurred' and .status == 'False')",
    },
  ],
};

const APP_LINK = '{{.context.argocdUrl}}/applications/{{.app.metadata.namespace}}/{{.app.metadata.name}}';

/** Plain messages for the catalog triggers (Argo's catalog adds per-service blocks; define your own to get them). */
export const CATALOG_TEMPLATES: Readonly<Record<string, { readonly message: string }>> = {
  'app-created': { message: 'Application {{.app.metadata.name}} has been created.' },
  'app-deleted': { message: 'Application {{.app.metadata.name}} has been deleted.' },
  'app-deployed': {
    message:
      '{{if eq .serviceType "slack"}}:white_check_mark:{{end}} Application {{.app.metadata.name}} is now running new version of deployments manifests.',
  },
  'app-health-degraded': {
    message: `{{if eq .serviceType "slack"}}:exclamation:{{end}} Application {{.app.metadata.name}} has degraded.\nApplication details: ${APP_LINK}.`,
  },
  'app-sync-failed': {
    message: `{{if eq .serviceType "slack"}}:exclamation:{{end}} The sync operation of application {{.app.metadata.name}} has failed at {{.app.status.operationState.finishedAt}} with the following error: {{.app.status.operationState.message}}\nSync operation details are available at: ${APP_LINK}?operation=true .`,
  },
  'app-sync-running': {
    message: `The sync operation of application {{.app.metadata.name}} has started at {{.app.status.operationState.startedAt}}.\nSync operation details are available at: ${APP_LINK}?operation=true .`,
  },
  'app-sync-status-unknown': {
    message: `{{if eq .serviceType "slack"}}:exclamation:{{end}} Application {{.app.metadata.name}} sync is 'Unknown'.\nApplication details: ${APP_LINK}.`,
  },
  'app-sync-succeeded': {
    message: `{{if eq .serviceType "slack"}}:white_check_mark:{{end}} Application {{.app.metadata.name}} has been successfully synced at {{.app.status.operationState.finishedAt}}.\nSync operation details are available at: ${APP_LINK}?operation=true .`,
  },
  'appset-error': {
    message:
      'ApplicationSet {{.appset.metadata.name}} has an error: {{range .appset.status.conditions}}{{if eq .type "ErrorOccurred"}}{{.message}}{{end}}{{end}}',
  },
  'appset-error-cleared': { message: 'ApplicationSet {{.appset.metadata.name}} is healthy again.' },
};
