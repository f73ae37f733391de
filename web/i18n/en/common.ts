// Strings shared by the staff tablet and HQ (English).
import type { Strings } from '../index';
import type { common as ja } from '../ja/common';
import { count } from './plural';

export const common: Strings<typeof ja> = {
  appName: 'Hinanjo shelter operations',
  settings: 'Display settings (text size, language)',
  sync: {
    details: 'Connection and last confirmation',
    tiers: {
      device: (n: number) => `${n} saved on this tablet only`,
      box: (n: number) => `${n} saved in the shelter box (not yet at the city)`,
      city: 'Everything saved at the city',
    },
    city: 'City',
    box: 'Box',
    connected: 'Online',
    connecting: 'Connecting…',
    offline: 'Offline',
    refused: 'Connection refused',
    refusedCode: (code: number) =>
      code === 4401
        ? 'This device’s enrolment (token) has expired or is invalid. Ask HQ for a new enrolment link.'
        : code === 4410
          ? 'HQ revoked this device’s enrolment. The data on this device is being erased.'
          : code === 4403
            ? 'This device may not open this document.'
            : code === 4414
              ? 'This shelter’s data has reached its size limit, so no more changes are accepted. Contact HQ.'
              : code === 4430
                ? 'Too many changes were sent in a short time; sending is paused and will resume by itself.'
                : `The server refused the connection (${code}).`,
    pending: (n: number) => `${count(n, 'record', 'records')} not yet confirmed`,
    allConfirmed: 'Everything stored on the server',
    lastConfirmed: (hhmm: string, minutesAgo: number) =>
      `Last confirmed sync ${hhmm} (${minutesAgo < 1 ? 'just now' : `${minutesAgo} min ago`})`,
    neverConfirmed: 'Not synced with the server yet',
    savedLocally: 'Saved on this device',
    storeFailed: 'Could not save on this device. Check the free storage and note down what you entered.',
  },
  textSize: { large: 'Large text' },
  crowding: {
    available: 'Available',
    'somewhat-crowded': 'Somewhat crowded',
    unknown: 'Capacity unknown',
    crowded: 'Crowded',
    full: 'Full',
    closed: 'Closed',
  },
  mapText: {
    noTiles: 'Map tiles cannot be loaded. Shelters and closures are shown on a plain background.',
    closure: 'Road closure',
    basemap: {
      server: 'Basemap: city server',
      box: 'Basemap: shelter box',
      device: 'Basemap: saved on this device',
      online: 'Basemap: GSI tiles (online)',
      none: 'No basemap',
    },
  },
  lang: { label: 'Language', ja: '日本語', en: 'English' },
  update: {
    available: 'A new version is available. Reload when you are between tasks.',
    reload: 'Reload',
    later: 'Later',
    offlineReady: 'The app now works offline.',
  },
  enrol: {
    title: 'This device is not enrolled',
    missing: 'Open the enrolment link you received from HQ (/shelter/?token=…) on this device.',
    malformed: 'The enrolment link is damaged. Ask HQ for a new link.',
    expired: 'The enrolment link has expired. Ask HQ for a new link.',
    wrongRole: (surface: string) => `This link is for another screen. Open an enrolment link for ${surface}.`,
    wiped: (when: string) =>
      `HQ revoked this device, so its roster and all its data were erased from it at ${when}. To use it again, ask HQ for a new enrolment link.`,
    howTo: 'HQ staff create a link with “npm run token -- --role staff --shelter SHELTER_ID”.',
  },
  purged: {
    notice: (when: string) =>
      `The roster of this closed shelter passed its retention period and was deleted on the city's server at ${when}. This device's copy was deleted too (the head counts and the supply records remain).`,
    dismiss: 'Close',
  },
  actions: {
    save: 'Save',
    cancel: 'Cancel',
    confirm: 'Confirm',
    close: 'Close',
    edit: 'Edit',
    yes: 'Yes',
    no: 'No',
  },
  ageGroups: { infant: 'Infant', child: 'Child', adult: 'Adult', elderly: 'Elderly' },
  sexes: { female: 'Female', male: 'Male', other: 'Other', unanswered: 'Prefer not to say' },
  stays: { shelter: 'In shelter', car: 'In car', home: 'At home' },
  short: {
    ageGroups: { infant: 'Inf', child: 'Ch', adult: 'Ad', elderly: 'Eld' } as Record<string, string>,
    stays: { shelter: 'Shel', car: 'Car', home: 'Home' } as Record<string, string>,
    needs: { wheelchair: 'WC', medical: 'Med', pregnant: 'Preg', 'infant-care': 'InfC', allergy: 'All', dialysis: 'Dia', oxygen: 'O2', pet: 'Pet', interpreter: 'Int', halal: 'Hal', vegetarian: 'Veg', hearing: 'Hear', visual: 'Vis', dementia: 'Dem' } as Record<string, string>,
  },
  legend: 'What the short tags mean',
  needs: {
    wheelchair: 'Wheelchair',
    medical: 'Medical care',
    pregnant: 'Pregnant',
    'infant-care': 'Infant care',
    allergy: 'Allergy',
    dialysis: 'Dialysis',
    oxygen: 'Oxygen',
    pet: 'Pet',
    interpreter: 'Interpreter',
    halal: 'Halal',
    vegetarian: 'Vegetarian',
    hearing: 'Hearing',
    visual: 'Visual',
    dementia: 'Dementia',
  },
  shelterStatuses: { open: 'Open', closed: 'Closed', full: 'Full' },
  requestStatuses: { open: 'Requested', acknowledged: 'Acknowledged', delivered: 'Delivered', cancelled: 'Cancelled' },
  ledgerReasons: { received: 'Received', distributed: 'Handed out', adjusted: 'Count adjusted', transferred: 'Transferred' },
  items: {
    water: 'Drinking water',
    food: 'Food (meals)',
    blanket: 'Blankets',
    diaper: 'Diapers',
    'baby-formula': 'Baby formula',
    medicine: 'Common medicine',
    'toilet-bag': 'Portable toilet bags',
    sanitary: 'Sanitary items',
    mask: 'Masks',
    towel: 'Towels',
  },
  languages: { ja: 'Japanese', en: 'English', zh: 'Chinese', ko: 'Korean', vi: 'Vietnamese', pt: 'Portuguese', tl: 'Tagalog', ne: 'Nepali' },
  units: { '食': 'meals', '枚': 'pcs', '回': 'uses', '箱': 'boxes', '個': 'pcs', '本': 'bottles' },
};
