import { columnNamed, parseCsvRecords, profileCsv } from '../../../lib/init/csv-profile';

describe('Given a training CSV', () => {
  const profile = profileCsv('age,bmi,smoker,island,y\n47,30.5,true,Biscoe,1.5\n66,,false,"Dream",2\n,21.0,TRUE,Biscoe,3\n');

  test('When it is profiled, then the header and the row count are read', () => {
    expect(profile.header).toEqual(['age', 'bmi', 'smoker', 'island', 'y']);
    expect(profile.rows).toBe(3);
  });

  test.each([
    ['age', 'integer'],
    ['bmi', 'number'],
    ['smoker', 'boolean'],
    ['island', 'category'],
  ])('When column %s is profiled, then its type is %s (from how the cells are written)', (name, type) => {
    expect(columnNamed(profile, name, 'train.csv', '--target').type).toBe(type);
  });

  test('When a number column has empty cells, then min/max, mean and population std skip them and the missing share counts them', () => {
    expect(columnNamed(profile, 'bmi', 'train.csv', '--target')).toMatchObject({ missing: 1, missingShare: 1 / 3, min: 21, max: 30.5, mean: 25.75, std: 4.75 });
  });

  test('When a category column is profiled, then its values are distinct and sorted by code point, quotes removed', () => {
    expect(columnNamed(profile, 'island', 'train.csv', '--target').values).toEqual(['Biscoe', 'Dream']);
  });

  test('When integer values are sorted, then they sort as numbers (np.unique order), not as text', () => {
    expect(profileCsv('d\n10\n9\n1\n10\n').columns[0].values).toEqual(['1', '9', '10']);
  });

  test('When a column is asked for that is not there, then the error names the option, the value and the columns', () => {
    expect(() => columnNamed(profile, 'kind', 'train.csv', '--target')).toThrow('--target is "kind", which is not a column of train.csv; its columns are: age, bmi, smoker, island, y');
  });
});

describe('Given CSV that cannot be profiled', () => {
  test('When a row has a cell too many, then the error names the row and both counts', () => {
    expect(() => profileCsv('a,b\n1,2\n1,2,3\n', 'x.csv')).toThrow('x.csv: data row 2 has 3 cells but the header has 2');
  });

  test('When the header repeats a name, then the error names it', () => {
    expect(() => profileCsv('a,a\n1,2\n', 'x.csv')).toThrow('the header names column "a" twice');
  });

  test('When a quote is not closed, then the error says so', () => {
    expect(() => parseCsvRecords('a\n"open\n', 'x.csv')).toThrow(/quoted cell is not closed/);
  });

  test('When the file is empty, then the error asks for a header row', () => {
    expect(() => profileCsv('', 'x.csv')).toThrow('x.csv: has no header row');
  });
});

describe('Given RFC 4180 records', () => {
  test('When cells are quoted with commas, doubled quotes and CRLF, then they are read as written', () => {
    expect(parseCsvRecords('a,b\r\n"x, y","say ""hi"""\r\n', 'x.csv')).toEqual([['a', 'b'], ['x, y', 'say "hi"']]);
  });
});
