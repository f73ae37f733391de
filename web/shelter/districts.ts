import { useMemo } from 'preact/hooks';
import { hqDistricts, hqShelters } from '../../domain/schema';
import { asString } from '../../domain/coerce';
import { useDocVersion } from '../lib/sync/use-synced';
import type { DistrictOption } from './PersonFields';
import { useShelter } from './context';

/** Districts from the hq document, by name, and the shelter's own district (a form's default). */
export function useDistricts(): { districts: DistrictOption[]; home: string } {
  const { hq, shelterId } = useShelter();
  const version = useDocVersion(hq);
  return useMemo(() => {
    const districts: DistrictOption[] = [];
    hqDistricts(hq.doc).forEach((m, id) => districts.push({ id, name: asString(m.get('name'), id) }));
    districts.sort((a, b) => a.name.localeCompare(b.name, 'ja'));
    return { districts, home: asString(hqShelters(hq.doc).get(shelterId)?.get('districtId')) };
  }, [hq, shelterId, version]);
}
